package org.memtypelab.lab.scenario;

import java.util.Objects;
import org.memtypelab.core.migration.MigrationPolicy;

/** The migration setup of a scenario: which policy the migration thread follows for blobs (SCENARIOS.md). */
public record Migration(MigrationPolicy policy) {

    public Migration {
        Objects.requireNonNull(policy, "policy");
    }

    /** status-quo, the default. */
    public static Migration defaults() {
        return new Migration(MigrationPolicy.STATUS_QUO);
    }
}
