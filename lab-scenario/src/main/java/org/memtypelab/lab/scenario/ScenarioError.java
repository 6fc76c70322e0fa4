package org.memtypelab.lab.scenario;

/**
 * A user mistake in a scenario file, located at the offending key or value (1-based line and column), or about a
 * name that is no file at all (line and column 0: there is no position to point at).
 */
public record ScenarioError(String file, int line, int column, String message) implements LoadResult {

    /** A mistake with no position in any file, e.g. a scenario name that names nothing. */
    public static ScenarioError about(String name, String message) {
        return new ScenarioError(name, 0, 0, message);
    }

    /** {@code file:line:column: message} (or {@code name: message}), the form printed before exiting with code 2. */
    @Override
    public String toString() {
        return line == 0 ? "'" + file + "': " + message : file + ":" + line + ":" + column + ": " + message;
    }
}
