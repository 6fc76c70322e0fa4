package org.memtypelab.core.migration;

import java.util.Locale;

/** How a migration attempt ended (SCENARIOS.md {@code migration}: completed | blocked | failed). */
public record MigrationOutcome(Status status, String reason) {

    /** The three outcomes of the result document, plus "not attempted" for runs without a migrate step. */
    public enum Status {
        COMPLETED,
        BLOCKED,
        FAILED,
        NOT_ATTEMPTED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
