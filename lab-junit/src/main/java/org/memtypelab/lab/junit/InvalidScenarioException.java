package org.memtypelab.lab.junit;

import org.memtypelab.lab.scenario.ScenarioError;

/**
 * A scenario the loader refused (the mistake {@code memtype-lab run} exits 2 for): the message is the loader's
 * {@code file:line:column: what is wrong; allowed: ...}, followed by the offending line when there is one.
 */
public final class InvalidScenarioException extends IllegalArgumentException {

    private final transient ScenarioError error;

    InvalidScenarioException(ScenarioError error, String text) {
        super(error + excerpt(error, text));
        this.error = error;
    }

    /** The loader's located error. */
    public ScenarioError error() {
        return error;
    }

    /** The offending line of {@code text} with a caret under the column; empty without a position. */
    private static String excerpt(ScenarioError error, String text) {
        if (text == null || error.line() < 1) {
            return "";
        }
        String[] lines = text.split("\n", -1);
        if (error.line() > lines.length) {
            return "";
        }
        String number = String.valueOf(error.line());
        String margin = " ".repeat(number.length());
        return System.lineSeparator() + "  " + number + " | " + lines[error.line() - 1].stripTrailing()
                + System.lineSeparator() + "  " + margin + " | " + " ".repeat(Math.max(0, error.column() - 1)) + "^";
    }
}
