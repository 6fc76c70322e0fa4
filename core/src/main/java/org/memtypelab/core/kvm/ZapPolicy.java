package org.memtypelab.core.kvm;

/** Which events make KVM zap SPTEs so that memtypes are recomputed (DOMAIN 2.4, rules 17, 18, 25). */
public final class ZapPolicy {

    /** What an event does to existing SPTEs. */
    public enum Zap {
        /** Every SPTE of the VM is zapped and rebuilt with the current policy. */
        ALL,
        /** The SPTEs of one memslot are zapped. */
        SLOT,
        /** Existing SPTEs keep the memtype they were built with (rule 18). */
        NONE,
        /** DOMAIN.md does not record what this kernel does. */
        UNKNOWN
    }

    /** A zap answer and its reason. */
    public record Answer(Zap zap, String because) {}

    private ZapPolicy() {}

    /** The non-coherent DMA count going 0 -> 1 or 1 -> 0 (rule 17). */
    public static Answer noncoherentDmaTransition(KvmPlatform p) {
        if (p.cpu() == CpuVendor.AMD) {
            return new Answer(Zap.NONE, "DOMAIN 1.5: NPT carries no memtype, nothing to recompute");
        }
        if (!p.kvm().atLeast(6, 7)) {
            return new Answer(Zap.NONE, "DOMAIN rule 17: before 6.7 no zap; stale memtypes persist until rebuilt");
        }
        return p.mayIgnoreGuestPat()
                ? new Answer(Zap.ALL, "DOMAIN rule 17: v" + p.kvm() + " zaps all SPTEs when KVM may ignore guest PAT")
                : new Answer(Zap.NONE, "DOMAIN 2.4: v" + p.kvm() + " never ignores guest PAT here, no zap needed");
    }

    /** A guest CR0.CD toggle or a guest MTRR write (DOMAIN 2.4). */
    public static Answer guestCacheControlChange(KvmPlatform p, boolean noncoherentDma) {
        if (p.cpu() == CpuVendor.AMD) {
            return new Answer(Zap.NONE, "DOMAIN 1.5: NPT carries no memtype, nothing to recompute (CR0.CD: rule 6a)");
        }
        return switch (p.kvm().era()) {
            case UP_TO_6_6 ->
                new Answer(
                        Zap.UNKNOWN,
                        "DOMAIN 2.4: whether v" + p.kvm().release() + " zaps SPTEs on this change is not recorded"
                                + " (zapping on CR0.CD / MTRR writes is verified from 6.7)");
            case V6_7_TO_6_10 ->
                noncoherentDma
                        ? new Answer(
                                Zap.ALL,
                                "DOMAIN 2.4: v6.7-6.10 zap all SPTEs iff guest MTRRs are honoured (non-coherent DMA;"
                                        + " 7a18c7c2b69a, 9a3768191d95)")
                        : new Answer(
                                Zap.NONE,
                                "DOMAIN 2.4: guest MTRRs are not honoured without non-coherent DMA: no zap, and the"
                                        + " memtype does not depend on them");
            case V6_11_RC, V6_11_TO_6_15, QUIRK ->
                new Answer(
                        Zap.NONE,
                        "DOMAIN 2.4, rule 13: since 6.11 KVM no longer virtualises guest MTRRs or CR0.CD: no zap,"
                                + " no effect");
        };
    }

    /** Turning KVM_MEM_LOG_DIRTY_PAGES on or off for a slot (rule 25; DOMAIN 9 option 6). */
    public static Answer dirtyLogToggle(KvmPlatform p, boolean slotKvmMemDma) {
        if (p.kvm().has(DesignPatch.DMA_EXCLUDES_DIRTY_LOG) && slotKvmMemDma) {
            return new Answer(
                    Zap.SLOT,
                    "DOMAIN 9 option 6: a KVM_MEM_DMA slot is zapped so it is rebuilt WB while"
                            + " migrating (and honours guest PAT again afterwards)");
        }
        return new Answer(Zap.NONE, "DOMAIN rule 25: dirty logging write-protects or collapses, memtype unchanged");
    }
}
