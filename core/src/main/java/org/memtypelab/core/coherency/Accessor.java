package org.memtypelab.core.coherency;

import org.memtypelab.core.memtype.MemType;

/** Who touches a buffer and how: a CPU mapping with a memory type, or the GPU's DMA. */
public sealed interface Accessor permits Accessor.Cpu, Accessor.Gpu {

    Who who();

    /** How this accessor is named in a witness: {@code guest (WB)}, {@code gpu (no snoop)}. */
    String describe();

    /**
     * A CPU mapping: guest, qemu, renderer or migration.
     *
     * @param ucFromEpt the type is UC because the EPT type is UC (SDM footnote 1 under EPT, DOMAIN rule 10b), not
     *     because the PAT asked for it
     */
    record Cpu(Who who, MemType type, boolean ucFromEpt) implements Accessor {
        public Cpu {
            if (!who.isCpu()) {
                throw new IllegalArgumentException(who + " is not a CPU mapping");
            }
        }

        /** A host CPU mapping: its UC, if any, comes from the PAT. */
        public Cpu(Who who, MemType type) {
            this(who, type, false);
        }

        @Override
        public String describe() {
            return who.label() + " (" + type + (ucFromEpt && type == MemType.UC ? " from the EPT" : "") + ")";
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
