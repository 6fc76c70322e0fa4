package org.memtypelab.lab.scenario;

/** A user mistake in a scenario file, located at the offending key or value (1-based line and column). */
public record ScenarioError(String file, int line, int column, String message) implements LoadResult {

    /** {@code file:line:column: message}, the form printed before exiting with code 2. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
