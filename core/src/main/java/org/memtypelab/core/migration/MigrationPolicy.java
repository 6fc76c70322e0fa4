package org.memtypelab.core.migration;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How live migration treats blob memory (SCENARIOS.md "Migration policies"; DOMAIN 9 options 7 and 1b). */
public enum MigrationPolicy {
    /** QEMU as it is: blockers apply, blob regions are not migratable RAM (rules 27, 28). */
    STATUS_QUO("status-quo"),
    /** Hypothetical: virgl blocker lifted, blob pages copied through QEMU's mapping like RAM (Paolo, 18 Feb 2020). */
    RAM_COPY("ram-copy"),
    /** Hypothetical: virgl blocker lifted, the GPU process saves and restores blob contents (Chia-I, 21 Feb 2020). */
    BLOB_AS_GPU_STATE("blob-as-gpu-state");

    private final String label;

    MigrationPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether QEMU's virgl blocker still applies under this policy. */
    public boolean keepsVirglBlocker() {
        return this == STATUS_QUO;
    }

    public static Optional<MigrationPolicy> parse(String s) {
        return Arrays.stream(values())
                .filter(p -> p.label.equalsIgnoreCase(s == null ? "" : s.trim()))
                .findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(MigrationPolicy::label).collect(Collectors.joining(", "));
    }
}
