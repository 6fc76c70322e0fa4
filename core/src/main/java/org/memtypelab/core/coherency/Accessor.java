package org.memtypelab.core.coherency;

import org.memtypelab.core.memtype.MemType;

/** Who touches a buffer and how: a CPU mapping with a memory type, or the GPU's DMA. */
public sealed interface Accessor permits Accessor.Cpu, Accessor.Gpu {

    Who who();

    /** How this accessor is named in a witness: {@code guest (WB)}, {@code gpu (no snoop)}. */
    String describe();

    /** A CPU mapping: guest, qemu, renderer or migration. */
    record Cpu(Who who, MemType type) implements Accessor {
        public Cpu {
            if (!who.isCpu()) {
                throw new IllegalArgumentException(who + " is not a CPU mapping");
            }
        }

        @Override
        public String describe() {
            return who.label() + " (" + type + ")";
        }
    }

    /** The GPU's DMA. */
    record Gpu(boolean snoop) implements Accessor {
        @Override
        public Who who() {
            return Who.GPU;
        }

        @Override
        public String describe() {
            return snoop ? "gpu (snooping)" : "gpu (no snoop)";
        }
    }
}
