package org.memtypelab.core.coherency;

import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;

/**
 * Which accesses the host keeps coherent with CPU caches, per platform (DOMAIN rule 10a, footnote 2 of 1.3, rule 6).
 *
 * @param cpu the host CPU vendor
 * @param selfSnoop whether the CPU has SELFSNOOP, which keeps aliased memtypes coherent (377b2f359d1f)
 */
public record Coherence(CpuVendor cpu, boolean selfSnoop) {

    /** How two mappings of one buffer relate. */
    public enum Relation {
        /** Same type. */
        SAME,
        /** Different types the platform keeps coherent. */
        BENIGN,
        /** Stale data is possible. */
        STALE,
        /** DOMAIN.md does not say (an unverified AMD cell). */
        UNKNOWN
    }

    /**
     * Whether an uncached access with {@code type} snoops the CPU caches, so it sees (and invalidates) lines a cached
     * alias left there. UC from the PAT snoops (SDM footnote 2); AMD WC+ and CD snoop (rule 6); plain WC snoops only
     * on a self-snoop CPU (rule 10a).
     */
    public boolean uncachedAccessSnoops(MemType type) {
        return switch (type) {
            case UC, UC_MINUS, WC_PLUS, CD -> true;
            case WC -> selfSnoop;
            case WB, WT, WP -> true; // cached accesses go through the cache itself
        };
    }

    /** Relation between two CPU mappings' types (DOMAIN rule 10a). */
    public Relation between(MemType a, MemType b) {
        if (a == b) {
            return Relation.SAME;
        }
        if (a.isCacheable() == b.isCacheable()) {
            return Relation.BENIGN; // both cached, or both uncached: no stale line can hide
        }
        MemType uncached = a.isCacheable() ? b : a;
        return uncachedAccessSnoops(uncached) ? Relation.BENIGN : Relation.STALE;
    }

    /** Why {@link #between} answered as it did, citing DOMAIN. */
    public String why(MemType a, MemType b) {
        Relation r = between(a, b);
        return switch (r) {
            case SAME -> "same type " + a;
            case UNKNOWN -> "unverified";
            case BENIGN ->
                a.isCacheable() == b.isCacheable()
                        ? a + " and " + b + " are both " + (a.isCacheable() ? "cached" : "uncached")
                        : snoopReason(a.isCacheable() ? b : a);
            case STALE ->
                a + " vs " + b + ": a WC page aliased with a cacheable one on a CPU without self-snoop"
                        + " (DOMAIN rule 10a)";
        };
    }

    private String snoopReason(MemType uncached) {
        return switch (uncached) {
            case WC_PLUS -> "AMD WC+ snoops caches (DOMAIN rule 6)";
            case CD -> "AMD CD snoops caches (DOMAIN rule 6)";
            case WC -> "self-snoop CPU keeps aliased memtypes coherent (DOMAIN rule 10a, 377b2f359d1f)";
            default -> uncached + " from the PAT snoops caches (SDM footnote 2, DOMAIN 1.3)";
        };
    }
}
