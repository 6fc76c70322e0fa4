package org.memtypelab.core.coherency;

import java.util.Optional;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** Who maps a buffer (SCENARIOS.md "Mappings of one buffer"; DOMAIN 9: G, Q, R, M, D). */
public enum Who implements Labelled {
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

    /** Whether this party accesses memory through a CPU memory type (all but the GPU). */
    public boolean isCpu() {
        return this != GPU;
    }

    public static Optional<Who> parse(String s) {
        return Labels.parse(Who.class, s);
    }

    public static String allowed() {
        return Labels.allowed(Who.class);
    }
}
