package org.memtypelab.core.kvm;

import static org.memtypelab.core.memtype.MemType.UC;
import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;

import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** KVM's choice of EPT memory type and IPAT for one guest page: {@code vmx_get_mt_mask()} per era (DOMAIN 2.2). */
public final class EptPolicy {

    /** The EPT leaf KVM builds, and the one rule that decided it. */
    public record Decision(Ept.Entry entry, String because) {}

    private EptPolicy() {}

    /** Decides the EPT leaf for {@code page} on an Intel {@code platform}; rules 9-15 and the DOMAIN 9 options. */
    public static Decision decide(KvmPlatform platform, GuestPage page) {
        if (platform.cpu() != CpuVendor.INTEL) {
            throw new IllegalArgumentException("EPT memtypes exist only on Intel; AMD uses NPT (DOMAIN rule 6)");
        }
        if (page.mmio()) {
            return of(UC, false, "DOMAIN rule 9: MMIO pfn (rule 8) -> EPT UC without IPAT, guest PAT applies");
        }
        Decision d = ram(platform, page);
        if (platform.kvm().has(DesignPatch.UC_TO_WC) && d.entry().type() == UC) {
            // DOMAIN 9 option 1b (Paolo, 14 Feb 2020): a UC that is not for MMIO becomes WC, IPAT kept
            return of(
                    WC,
                    d.entry().ipat(),
                    d.because() + "; DOMAIN 9 option 1b (+uc-to-wc): EPT UC on a page that is not MMIO becomes WC");
        }
        return d;
    }

    private static Decision ram(KvmPlatform platform, GuestPage page) {
        KvmVersion v = platform.kvm();
        Decision patched = designOption(platform, page);
        if (patched != null) {
            return patched;
        }
        if (page.noncoherentDma()) {
            return noncoherent(platform, page, dmaReason(v, page));
        }
        return switch (v.era()) {
            case UP_TO_6_6, V6_7_TO_6_10, V6_11_TO_6_15 ->
                of(
                        WB,
                        true,
                        "DOMAIN rule 10: v" + v + ", RAM, no non-coherent DMA -> EPT WB with IPAT"
                                + (v.era() == KvmEra.V6_11_TO_6_15
                                        ? " (the 6.11-rc self-snoop change was reverted before v6.11, 9d70f3fec144)"
                                        : ""));
            case V6_11_RC ->
                platform.selfSnoop()
                        ? of(
                                WB,
                                false,
                                "DOMAIN rule 14: v" + v + " on a self-snoop CPU -> EPT WB without IPAT"
                                        + " (377b2f359d1f, in 6.11-rc1..rc7 only)")
                        : of(WB, true, "DOMAIN rule 14: v" + v + " without self-snoop -> EPT WB with IPAT");
            case QUIRK ->
                platform.ignoreGuestPatQuirk()
                        ? of(WB, true, "DOMAIN rule 15: v" + v + ", quirk IGNORE_GUEST_PAT enabled -> EPT WB with IPAT")
                        : of(
                                WB,
                                false,
                                "DOMAIN rule 15: v" + v + ", quirk IGNORE_GUEST_PAT disabled -> EPT WB without IPAT");
        };
    }

    private static String dmaReason(KvmVersion v, GuestPage page) {
        if (page.slotKvmMemDma() && v.has(DesignPatch.SLOT_NONCOHERENT)) {
            return "non-coherent DMA (this slot's per-slot flag, +slot-noncoherent)";
        }
        return page.slotKvmMemDma() && v.has(DesignPatch.KVM_MEM_DMA)
                ? "non-coherent DMA (a KVM_MEM_DMA slot registered it VM-wide, DOMAIN 4.1 / rule 16)"
                : "non-coherent DMA (rule 16)";
    }

    /** The non-coherent-DMA path of vmx_get_mt_mask() for a page that is not MMIO (rules 11-13). */
    private static Decision noncoherent(KvmPlatform platform, GuestPage page, String dma) {
        KvmVersion v = platform.kvm();
        return switch (v.era()) {
            case UP_TO_6_6 -> guestCr0CdOrMtrr("DOMAIN rule 11", platform, dma, page, true, "");
            // since 6.7 a CR0.CD=1 page made WB by CD_NW_CLEARED keeps the guest PAT (no IPAT)
            case V6_7_TO_6_10 -> guestCr0CdOrMtrr("DOMAIN rule 12", platform, dma, page, false, " (c9f65a3f2d92)");
            case V6_11_RC, V6_11_TO_6_15, QUIRK ->
                of(
                        WB,
                        false,
                        "DOMAIN rule 13: v" + v + ", " + dma + " -> EPT WB without IPAT; guest MTRRs and CR0.CD"
                                + " are no longer virtualised");
        };
    }

    /**
     * Rules 11-12, while KVM still virtualises guest CR0.CD and the guest MTRRs: with CR0.CD=1 the CD_NW_CLEARED quirk
     * decides between WB ({@code quirkIpat}: with IPAT or not; {@code commit}: the change that made it so) and UC.
     */
    private static Decision guestCr0CdOrMtrr(
            String rule, KvmPlatform platform, String dma, GuestPage page, boolean quirkIpat, String commit) {
        KvmVersion v = platform.kvm();
        if (!page.guestCr0Cd()) {
            return of(
                    page.guestMtrr(),
                    false,
                    rule + ": v" + v + ", " + dma + ", guest CR0.CD=0 -> EPT = guest MTRR type " + page.guestMtrr()
                            + " without IPAT");
        }
        String cd = rule + ": v" + v + ", " + dma + ", guest CR0.CD=1";
        return platform.cdNwQuirk()
                ? of(
                        WB,
                        quirkIpat,
                        cd + " + CD_NW_CLEARED -> EPT WB " + (quirkIpat ? "with" : "without") + " IPAT" + commit)
                : of(UC, true, cd + " without CD_NW_CLEARED -> EPT UC with IPAT");
    }

    /** The thread's design options that change the decision for non-MMIO pages; null when none applies. */
    private static Decision designOption(KvmPlatform platform, GuestPage page) {
        KvmVersion v = platform.kvm();
        if (v.has(DesignPatch.DMA_EXCLUDES_DIRTY_LOG) && page.slotKvmMemDma() && page.slotDirtyLogging()) {
            return of(
                    WB,
                    true,
                    "DOMAIN 9 option 6 (+dma-excludes-dirty-log): KVM_MEM_DMA slot under dirty logging -> KVM"
                            + " forces EPT WB with IPAT until logging stops (the slot stays)");
        }
        if (v.has(DesignPatch.SLOT_MEMTYPE) && page.slotMemtype().isPresent()) {
            MemType t = eptType(page.slotMemtype().get());
            return of(
                    t,
                    true,
                    "DOMAIN 9 option 4 (+slot-memtype): the slot forces EPT " + t + " with IPAT, whatever"
                            + " the guest PAT");
        }
        if (v.has(DesignPatch.FORCE_HOST_TYPE)) {
            MemType t = eptType(page.hostMapping());
            return of(
                    t,
                    true,
                    "DOMAIN 9 option 3, Chia-I's variant (+force-host-type): KVM forces the type " + page.hostMapping()
                            + " of the host mapping behind the hva -> EPT " + t + " with IPAT");
        }
        if (page.dmabufBlob() && v.has(DesignPatch.DMABUF_SLOT_EXPORTER_TYPE)) {
            MemType t = eptType(page.exporterType());
            return of(
                    t,
                    true,
                    "DOMAIN 9 option 5 (+dmabuf-slot-exporter-type): a memslot made from the dma-buf takes the type "
                            + page.exporterType() + " its exporter publishes -> EPT " + t + " with IPAT");
        }
        if (page.dmabufBlob() && v.has(DesignPatch.DMABUF_SLOT_GUEST_TYPE)) {
            return of(
                    WB,
                    false,
                    "DOMAIN 9 option 5 (+dmabuf-slot-guest-type): a memslot made from the dma-buf honours the guest's"
                            + " type -> EPT WB without IPAT");
        }
        if (v.has(DesignPatch.INSPECT_HVA) && !page.hostMapping().isCacheable()) {
            // Kevin (DOMAIN 9 row 3): the host type only triggers the existing non-coherent path for this page
            return noncoherent(
                    platform,
                    page,
                    "DOMAIN 9 option 3 (+inspect-hva): the host mapping behind the hva is " + page.hostMapping()
                            + ", which takes this page down the non-coherent-DMA path");
        }
        if (v.has(DesignPatch.HONOR_GUEST_PAT)) {
            return of(WB, false, "DOMAIN 9 option 2 (+honor-guest-pat): RAM -> EPT WB without IPAT, guest PAT applies");
        }
        return null;
    }

    /** EPT cannot hold UC- (DOMAIN 1.1); its closest EPT type is UC. */
    private static MemType eptType(MemType t) {
        return t == MemType.UC_MINUS ? UC : t;
    }

    private static Decision of(MemType type, boolean ipat, String because) {
        return new Decision(new Ept.Entry(type, ipat), because);
    }
}
