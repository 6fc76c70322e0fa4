package org.memtypelab.core.migration;

import java.util.Optional;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** How live migration treats blob memory (SCENARIOS.md "Migration policies"; DOMAIN 9 options 7 and 1b). */
public enum MigrationPolicy implements Labelled {
    /** QEMU as it is: blockers apply, blob regions are not migratable RAM (rules 27, 28). */
    STATUS_QUO,
    /** Hypothetical: virgl blocker lifted, blob pages copied through QEMU's mapping like RAM (Paolo, 18 Feb 2020). */
    RAM_COPY,
    /** Hypothetical: virgl blocker lifted, the GPU process saves and restores blob contents (Chia-I, 21 Feb 2020). */
    BLOB_AS_GPU_STATE;

    /** Whether QEMU's virgl blocker still applies under this policy. */
    public boolean keepsVirglBlocker() {
        return this == STATUS_QUO;
    }

    public static Optional<MigrationPolicy> parse(String s) {
        return Labels.parse(MigrationPolicy.class, s);
    }

    public static String allowed() {
        return Labels.allowed(MigrationPolicy.class);
    }
}
