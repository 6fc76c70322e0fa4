package org.memtypelab.core.coherency;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Who maps a buffer (SCENARIOS.md "Mappings of one buffer"; DOMAIN 9: G, Q, R, M, D). */
public enum Who {
    /** Guest CPU access through the guest PTE and EPT/NPT. */
    GUEST,
    /** QEMU's host mapping behind the memslot's hva. */
    QEMU,
    /** The GPU process's CPU mapping ({@code vkMapMemory} or equivalent). */
    RENDERER,
    /** The live-migration thread's reads and writes, through QEMU's mapping (DOMAIN rule 29). */
    MIGRATION,
    /** The GPU's DMA, snooping or not. */
    GPU;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this party accesses memory through a CPU memory type (all but the GPU). */
    public boolean isCpu() {
        return this != GPU;
    }

    public static Optional<Who> parse(String s) {
        return Arrays.stream(values())
                .filter(w -> w.label().equalsIgnoreCase(s == null ? "" : s.trim()))
                .findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Who::label).collect(Collectors.joining(", "));
    }
}
