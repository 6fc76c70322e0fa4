package org.memtypelab.core.kvm;

/** The rows of DOMAIN 2.2: how vmx_get_mt_mask() behaved over time, with the stable kernels where noted. */
public enum KvmEra {
    /** Up to v6.6, including Feb 2020 (v5.6): guest MTRR virtualised under non-coherent DMA (rule 11). */
    UP_TO_6_6("<= 6.6"),
    /** v6.7 to v6.10: CR0.CD + CD_NW_CLEARED gives WB without IPAT (rule 12); zaps on DMA transitions (rule 17). */
    V6_7_TO_6_10("6.7 - 6.10"),
    /** v6.11-rc1 to rc7 only, never released: honor guest PAT on self-snoop CPUs (rule 14); no guest MTRRs (13). */
    V6_11_RC("6.11-rc1 - rc7"),
    /**
     * v6.11 final and 6.11.y to v6.15, including 6.12.0 - 6.12.77: the self-snoop change reverted before the v6.11
     * tag (rule 10), the guest MTRR / CR0.CD removal kept (rule 13).
     */
    V6_11_TO_6_15("6.11 - 6.15, 6.12.0 - 6.12.77"),
    /** v6.16 on, and 6.12.y from 6.12.78: KVM_X86_QUIRK_IGNORE_GUEST_PAT (rule 15). */
    QUIRK("6.16+, 6.12.78+");

    private final String range;

    KvmEra(String range) {
        this.range = range;
    }

    public String range() {
        return range;
    }

    public static KvmEra of(KvmVersion v) {
        if (v.atMost(6, 6)) {
            return UP_TO_6_6;
        }
        if (v.atMost(6, 10)) {
            return V6_7_TO_6_10;
        }
        if (v.series(6, 11) && v.releaseCandidate()) {
            return V6_11_RC; // DOMAIN rule 14: reverted by 9d70f3fec144 before the v6.11 tag
        }
        if (v.atLeast(6, 16) || v.stableAtLeast(6, 12, 78)) {
            return QUIRK; // DOMAIN rule 15: c9c1e20b4c7d, in 6.12.y as 4055f250a329 (6.12.78)
        }
        return V6_11_TO_6_15;
    }

    /** Whether KVM still virtualised guest MTRRs and CR0.CD under non-coherent DMA (rules 11-13). */
    public boolean virtualisesGuestMtrr() {
        return this == UP_TO_6_6 || this == V6_7_TO_6_10;
    }
}
