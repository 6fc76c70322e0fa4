package org.memtypelab.core.coherency;

import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.memtype.MemType;

/**
 * Which accesses the host keeps coherent with CPU caches, per platform (DOMAIN rules 6, 10a, 10b; SDM footnotes of
 * 1.3).
 *
 * @param cpu the host CPU vendor
 * @param selfSnoop whether the CPU has SELFSNOOP, which keeps WC aliases of cacheable memory coherent (377b2f359d1f);
 *     Intel only, always false on AMD (rule 15a)
 */
public record Coherence(CpuVendor cpu, boolean selfSnoop) {

    public Coherence {
        if (cpu == CpuVendor.AMD && selfSnoop) {
            throw new IllegalArgumentException(KvmPlatform.SELF_SNOOP_ON_AMD);
        }
    }

    /** How two mappings of one buffer relate. */
    public enum Relation {
        /** Same type. */
        SAME,
        /** Different types the platform keeps coherent. */
        BENIGN,
        /** Stale data is possible. */
        STALE,
        /** DOMAIN.md does not say (an unverified cell). */
        UNKNOWN
    }

    /** Whether an access snoops the CPU caches, so it sees (and invalidates) lines a cached alias left there. */
    public enum Snooping {
        YES,
        NO,
        UNKNOWN
    }

    /**
     * Whether an access through {@code x} snoops the CPU caches. Cached accesses go through the cache itself. UC from
     * the PAT snoops (SDM footnote 2); UC from the EPT type is MTRR-originated UC and need not (footnote 1, rule 10b);
     * AMD WC+ and CD snoop (rule 6); plain WC snoops on an Intel self-snoop CPU (rule 10a), not on one without it, and
     * DOMAIN.md does not say for AMD (section 10: the AMD side of SELFSNOOP is not verified).
     */
    public Snooping snoops(Accessor.Cpu x) {
        return switch (x.type()) {
            case WB, WT, WP, WC_PLUS, CD, UC_MINUS -> Snooping.YES;
            case UC -> x.ucFromEpt() && cpu == CpuVendor.INTEL ? Snooping.NO : Snooping.YES;
            case WC -> cpu == CpuVendor.AMD ? Snooping.UNKNOWN : selfSnoop ? Snooping.YES : Snooping.NO;
        };
    }

    /** Relation between two CPU accesses (DOMAIN rules 10a, 10b). */
    public Relation between(Accessor.Cpu a, Accessor.Cpu b) {
        if (a.type() == b.type()) {
            return Relation.SAME;
        }
        if (a.type().isCacheable() == b.type().isCacheable()) {
            return Relation.BENIGN; // both cached, or both uncached: no stale line can hide
        }
        return switch (snoops(a.type().isCacheable() ? b : a)) {
            case YES -> Relation.BENIGN;
            case NO -> Relation.STALE;
            case UNKNOWN -> Relation.UNKNOWN;
        };
    }

    /** Relation between two host-side types (no UC from an EPT). */
    public Relation between(MemType a, MemType b) {
        return between(new Accessor.Cpu(Who.QEMU, a), new Accessor.Cpu(Who.RENDERER, b));
    }

    /** Why {@link #between} answered as it did, citing DOMAIN. */
    public String why(Accessor.Cpu a, Accessor.Cpu b) {
        Accessor.Cpu uncached = a.type().isCacheable() ? b : a;
        Accessor.Cpu cached = uncached == a ? b : a;
        return switch (between(a, b)) {
            case SAME -> "same type " + a.type();
            case BENIGN ->
                a.type().isCacheable() == b.type().isCacheable()
                        ? a.type() + " and " + b.type() + " are both "
                                + (a.type().isCacheable() ? "cached" : "uncached")
                        : snoopReason(uncached);
            case STALE ->
                uncached.ucFromEpt() && uncached.type() == MemType.UC
                        ? "UC from the EPT type need not snoop the caches a " + cached.type()
                                + " alias leaves dirty (SDM footnote 1, DOMAIN rule 10b)"
                        : uncached.type() + " vs " + cached.type()
                                + ": a WC page aliased with a cacheable one on a CPU without self-snoop"
                                + " (DOMAIN rule 10a)";
            case UNKNOWN ->
                "whether WC on AMD snoops a " + cached.type() + " alias is not verified (DOMAIN 10: the AMD side"
                        + " of SELFSNOOP; rule 10a covers Intel)";
        };
    }

    private String snoopReason(Accessor.Cpu uncached) {
        return switch (uncached.type()) {
            case WC_PLUS -> "AMD WC+ snoops caches (DOMAIN rule 6)";
            case CD -> "AMD CD snoops caches (DOMAIN rule 6)";
            case WC -> "self-snoop CPU keeps aliased memtypes coherent (DOMAIN rule 10a, 377b2f359d1f)";
            default -> uncached.type() + " from the PAT snoops caches (SDM footnote 2, DOMAIN 1.3, rule 10b)";
        };
    }
}
