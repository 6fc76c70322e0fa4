package org.memtypelab.core.kvm;

/** The rows of DOMAIN 2.2: how vmx_get_mt_mask() behaved over time. */
public enum KvmEra {
    /** Up to v6.6, including Feb 2020 (v5.6): guest MTRR virtualised under non-coherent DMA (rule 11). */
    UP_TO_6_6("<= 6.6"),
    /** v6.7 to v6.10: CR0.CD + CD_NW_CLEARED gives WB without IPAT (rule 12); zaps on DMA transitions (rule 17). */
    V6_7_TO_6_10("6.7 - 6.10"),
    /** v6.11: honor guest PAT on self-snoop CPUs (rule 14); guest MTRRs no longer virtualised (rule 13). */
    V6_11("6.11"),
    /** v6.12 to v6.15: the self-snoop change reverted. */
    V6_12_TO_6_15("6.12 - 6.15"),
    /** v6.16 on: KVM_X86_QUIRK_IGNORE_GUEST_PAT (rule 15). */
    V6_16_ON("6.16+");

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
        if (v.atMost(6, 11)) {
            return V6_11;
        }
        if (v.atMost(6, 15)) {
            return V6_12_TO_6_15;
        }
        return V6_16_ON;
    }
}
