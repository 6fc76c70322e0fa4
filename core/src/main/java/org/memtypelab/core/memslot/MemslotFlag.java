package org.memtypelab.core.memslot;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** A bit of {@code kvm_userspace_memory_region.flags}, with its scenario YAML name (DOMAIN 3.1, rule 19). */
public enum MemslotFlag implements Labelled {
    /** {@code KVM_MEM_LOG_DIRTY_PAGES (1UL << 0)}: KVM keeps a dirty bitmap for the slot (DOMAIN 3.5). */
    LOG_DIRTY_PAGES(1),
    /** {@code KVM_MEM_READONLY (1UL << 1)}: guest writes exit to userspace as MMIO. */
    READONLY(2),
    /** {@code KVM_MEM_GUEST_MEMFD (1UL << 2)}: private memory backed by a guest_memfd, v2 ioctl only (v6.8). */
    GUEST_MEMFD(4),
    /** {@code KVM_MEM_DMA (1UL << 2)}: Chia-I's unmerged RFC 2/3, same bit as GUEST_MEMFD (DOMAIN 3.1, 4.1). */
    KVM_MEM_DMA(4);

    private final int bit;

    MemslotFlag(int bit) {
        this.bit = bit;
    }

    /** The bit this flag occupies in the ioctl's {@code flags} field. */
    /** The ioctl argument of these flags. */
    public static int bits(java.util.Collection<MemslotFlag> flags) {
        int bits = 0;
        for (MemslotFlag f : flags) {
            bits |= f.bit();
        }
        return bits;
    }

    public int bit() {
        return bit;
    }

    /** The name used in scenario files, e.g. {@code log-dirty-pages}: the label. */
    public String yamlName() {
        return label();
    }

    /** Looks a flag up by its YAML name (case-insensitive). */
    public static Optional<MemslotFlag> parse(String name) {
        return Labels.parse(MemslotFlag.class, name);
    }

    /** The YAML names, for "allowed: ..." messages. */
    public static String allowed() {
        return Labels.allowed(MemslotFlag.class);
    }

    /** ORs the bits of the given flags together. */
    public static int encode(Set<MemslotFlag> flags) {
        int bits = 0;
        for (MemslotFlag f : flags) {
            bits |= f.bit;
        }
        return bits;
    }

    /** Raw flag bits split into the flags they name on one kernel and the bits no flag names. */
    public record Decoded(Set<MemslotFlag> flags, int unknownBits) {
        public Decoded {
            flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        }

        /** True when every bit named a flag. */
        public boolean complete() {
            return unknownBits == 0;
        }
    }

    /**
     * Decodes raw bits; bit 2 means KVM_MEM_DMA on a kernel with that design patch and GUEST_MEMFD otherwise
     * (DOMAIN 3.1: the RFC's bit was later given to GUEST_MEMFD, so one kernel never has both).
     */
    public static Decoded decode(int bits, MemslotRules rules) {
        return decode(bits, rules.kvmMemDma());
    }

    /** As {@link #decode(int, MemslotRules)}, saying directly whether bit 2 means KVM_MEM_DMA. */
    public static Decoded decode(int bits, boolean kvmMemDmaKernel) {
        Set<MemslotFlag> flags = EnumSet.noneOf(MemslotFlag.class);
        if ((bits & LOG_DIRTY_PAGES.bit) != 0) {
            flags.add(LOG_DIRTY_PAGES);
        }
        if ((bits & READONLY.bit) != 0) {
            flags.add(READONLY);
        }
        if ((bits & GUEST_MEMFD.bit) != 0) {
            flags.add(kvmMemDmaKernel ? KVM_MEM_DMA : GUEST_MEMFD);
        }
        int known = LOG_DIRTY_PAGES.bit | READONLY.bit | GUEST_MEMFD.bit;
        return new Decoded(flags, bits & ~known);
    }

    /** Renders bits as YAML names plus any unknown bits in hex, e.g. {@code [log-dirty-pages, 0x8]}. */
    public static String describe(int bits, boolean kvmMemDmaKernel) {
        Decoded d = decode(bits, kvmMemDmaKernel);
        String names = d.flags().stream().map(MemslotFlag::yamlName).collect(Collectors.joining(", "));
        if (!d.complete()) {
            names = names.isEmpty() ? hex(d.unknownBits()) : names + ", " + hex(d.unknownBits());
        }
        return "[" + names + "]";
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
