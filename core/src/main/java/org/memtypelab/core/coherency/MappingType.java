package org.memtypelab.core.coherency;

import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** How one party accesses a buffer: a CPU memory type (with the guest's EPT leaf), an unverified type, or DMA. */
public sealed interface MappingType
        permits MappingType.Cpu, MappingType.Guest, MappingType.Unverified, MappingType.Dma {

    /** The label used in results: {@code WB}, {@code unknown}, {@code dma}. */
    String label();

    /** A host CPU mapping (QEMU, renderer, migration) or an AMD guest mapping with a known type. */
    record Cpu(MemType type) implements MappingType {
        @Override
        public String label() {
            return type.label();
        }
    }

    /** An Intel guest mapping: the effective type and the EPT leaf KVM built for it. */
    record Guest(MemType type, Ept.Entry ept) implements MappingType {
        @Override
        public String label() {
            return type.label();
        }
    }

    /** A type DOMAIN.md marks unverified (an AMD cell): never guessed. */
    record Unverified(String why) implements MappingType {
        @Override
        public String label() {
            return "unknown";
        }
    }

    /** The GPU's DMA; device-local buffers count as not snooping the CPU caches. */
    record Dma(boolean snoop) implements MappingType {
        @Override
        public String label() {
            return snoop ? "dma (snoop)" : "dma (no snoop)";
        }
    }

    /**
     * Whether this is a UC that comes from the EPT type (EPT UC, with or without IPAT): MTRR-originated UC under EPT,
     * which need not snoop (SDM footnote 1, DOMAIN 1.4, rule 10b).
     */
    default boolean ucFromEpt() {
        return this instanceof Guest g && g.type() == MemType.UC && g.ept().type() == MemType.UC;
    }

    /** The accessor of {@code who} through this type, if it is a CPU type. */
    default java.util.Optional<Accessor> accessor(Who who) {
        if (this instanceof Dma d) {
            return java.util.Optional.of(new Accessor.Gpu(d.snoop()));
        }
        return cpuType().map(t -> new Accessor.Cpu(who, t, ucFromEpt()));
    }

    /** The CPU memory type, if this is a CPU mapping with a known type. */
    default java.util.Optional<MemType> cpuType() {
        if (this instanceof Cpu c) {
            return java.util.Optional.of(c.type());
        }
        if (this instanceof Guest g) {
            return java.util.Optional.of(g.type());
        }
        return java.util.Optional.empty();
    }
}
