package org.memtypelab.core.migration;

import org.memtypelab.core.Labelled;

/** How a migration attempt ended (SCENARIOS.md {@code migration}: completed | blocked | failed). */
public record MigrationOutcome(Status status, String reason) {

    /** The three outcomes of the result document, plus "not attempted" for runs without a migrate step. */
    public enum Status implements Labelled {
        COMPLETED,
        BLOCKED,
        FAILED,
        NOT_ATTEMPTED
    }
}
