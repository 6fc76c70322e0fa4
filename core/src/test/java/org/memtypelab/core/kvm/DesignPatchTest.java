package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** DOMAIN 9 design options 1b, 2, 3, 4, 5, 6 and the per-slot non-coherent flag applied as kernel version suffixes. */
class DesignPatchTest {

    static KvmPlatform intel(String kvm) {
        return new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(kvm), false, true, true);
    }

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow();
    }

    static MemType known(KvmPlatform p, GuestPage page) {
        Effective e = GuestMemtype.resolve(p, page).effective();
        assertThat(e).isInstanceOf(Effective.Known.class);
        return ((Effective.Known) e).type();
    }

    @Test
    void suffixesRoundTrip() {
        for (DesignPatch d : DesignPatch.values()) {
            assertThat(DesignPatch.parse(d.suffix())).contains(d);
        }
        assertThat(DesignPatch.parse("nope")).isEmpty();
        assertThat(DesignPatch.allowed())
                .contains("kvm-mem-dma", "honor-guest-pat", "inspect-hva", "slot-memtype", "dma-excludes-dirty-log")
                .contains(
                        "uc-to-wc",
                        "force-host-type",
                        "dmabuf-slot-guest-type",
                        "dmabuf-slot-exporter-type",
                        "slot-noncoherent");
    }

    @ParameterizedTest(name = "''{0}'' is rejected: {1}")
    @CsvSource({
        "6.10+inspect-hva+force-host-type, option 3",
        "6.10+dmabuf-slot-guest-type+dmabuf-slot-exporter-type, option 5",
        "6.10+slot-noncoherent+kvm-mem-dma, per-slot",
        "6.10+slot-noncoherent+dma-excludes-dirty-log, per-slot"
    })
    void twoReadingsOfOneOptionCannotBeCombined(String kvm, String why) {
        KvmVersion.Parsed p = KvmVersion.parse(kvm);
        assertThat(p).isInstanceOf(KvmVersion.Parsed.Invalid.class);
        assertThat(((KvmVersion.Parsed.Invalid) p).message()).contains(why).contains("choose one");
    }

    // option 1b (Paolo, 14 Feb 2020): EPT UC becomes WC for pages that are not MMIO

    @ParameterizedTest(
            name =
                    "DOMAIN 9 option 1b: kvm {0}+uc-to-wc, non-coherent DMA, guest MTRR UC, guest PAT {1} -> EPT WC,0 -> {2}")
    @CsvSource({
        // grid(WC, PAT(g)): UC -> UC, UC- -> WC, WC -> WC, WT -> UC, WB -> WC, WP -> UC
        "5.6,  WB,  WC",
        "5.6,  UC-, WC",
        "5.6,  WC,  WC",
        "6.10, WB,  WC",
        "6.10, UC,  UC",
        "6.10, WT,  UC"
    })
    void option1b_ucToWcTurnsAGuestMtrrUcIntoEptWcWithoutIpat(String kvm, String guestPat, String expected) {
        GuestPage page = GuestPage.ram(t(guestPat)).withNoncoherentDma(true).withGuestMtrr(MemType.UC);
        KvmPlatform patched = intel(kvm + "+uc-to-wc");
        EptPolicy.Decision d = EptPolicy.decide(patched, page);
        assertThat(d.entry()).isEqualTo(new Ept.Entry(MemType.WC, false));
        assertThat(d.because()).contains("option 1b");
        assertThat(known(patched, page)).isEqualTo(t(expected));
        // without the patch the EPT stays UC: UC except guest WC (rule 4 on the UC row)
        assertThat(EptPolicy.decide(intel(kvm), page).entry()).isEqualTo(new Ept.Entry(MemType.UC, false));
    }

    @Test
    void option1b_ucToWcTurnsCr0CdWithoutCdNwClearedIntoEptWcWithIpat() {
        KvmPlatform noCdNw = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of("5.6+uc-to-wc"), false, true, false);
        GuestPage page = GuestPage.ram(MemType.WB).withNoncoherentDma(true).withGuestCr0Cd(true);
        assertThat(EptPolicy.decide(noCdNw, page).entry()).isEqualTo(new Ept.Entry(MemType.WC, true));
        assertThat(known(noCdNw, page)).isEqualTo(MemType.WC);
    }

    @Test
    void option1b_ucToWcLeavesMmioAndEptWbAlone() {
        KvmPlatform p = intel("6.10+uc-to-wc");
        // rule 9 stays: an MMIO pfn is EPT UC (the guest PAT WB gives UC)
        GuestPage mmio = GuestPage.ram(MemType.WB).withMmio(true);
        assertThat(EptPolicy.decide(p, mmio).entry()).isEqualTo(new Ept.Entry(MemType.UC, false));
        assertThat(known(p, mmio)).isEqualTo(MemType.UC);
        // no UC to turn: coherent RAM keeps EPT WB with IPAT; 6.11+ non-coherent DMA is EPT WB without IPAT
        assertThat(EptPolicy.decide(p, GuestPage.ram(MemType.UC)).entry()).isEqualTo(new Ept.Entry(MemType.WB, true));
        GuestPage guestMtrrUc =
                GuestPage.ram(MemType.UC).withNoncoherentDma(true).withGuestMtrr(MemType.UC);
        assertThat(EptPolicy.decide(intel("6.12+uc-to-wc"), guestMtrrUc).entry())
                .isEqualTo(new Ept.Entry(MemType.WB, false));
    }

    // option 2

    @ParameterizedTest(name = "DOMAIN 9 option 2: kvm {0}+honor-guest-pat, RAM, guest PAT {1} -> {2}")
    @CsvSource({"5.6, WC, WC", "5.6, UC-, UC", "5.6, WB, WB", "6.10, WC, WC", "6.12, UC, UC", "6.12, WT, WT"})
    void honorGuestPatGivesGuestPatOnRam(String kvm, String guestPat, String expected) {
        KvmPlatform p = intel(kvm + "+honor-guest-pat");
        GuestPage page = GuestPage.ram(t(guestPat));
        assertThat(EptPolicy.decide(p, page).entry()).isEqualTo(new Ept.Entry(MemType.WB, false));
        assertThat(known(p, page)).isEqualTo(t(expected));
        assertThat(EptPolicy.decide(p, page).because()).contains("option 2");
    }

    @Test
    void honorGuestPatStillForcesUcForMmio() {
        KvmPlatform p = intel("6.10+honor-guest-pat");
        GuestPage mmio = GuestPage.ram(MemType.WB).withMmio(true);
        assertThat(EptPolicy.decide(p, mmio).entry()).isEqualTo(new Ept.Entry(MemType.UC, false));
        assertThat(known(p, mmio)).isEqualTo(MemType.UC);
    }

    @Test
    void honorGuestPatMeansKvmNeverIgnoresGuestPatSoNoZap() {
        assertThat(intel("6.10+honor-guest-pat").mayIgnoreGuestPat()).isFalse();
        assertThat(ZapPolicy.noncoherentDmaTransition(intel("6.10+honor-guest-pat"))
                        .zap())
                .isEqualTo(ZapPolicy.Zap.NONE);
    }

    // option 3: Kevin's trigger (+inspect-hva) and Chia-I's forcing variant (+force-host-type)

    @ParameterizedTest(
            name =
                    "DOMAIN 9 option 3 (Kevin): kvm {0}+inspect-hva, host {1}, guest MTRR {2}, guest PAT {3} -> EPT {4} ipat={5} -> {6}")
    @CsvSource({
        // host UC/WC only triggers the non-coherent-DMA path: on 6.10 EPT = guest MTRR without IPAT (rule 12)
        "6.10, WC,  WB, WC, WB, false, WC",
        "6.10, WC,  WB, UC, WB, false, UC",
        "6.10, WC,  WB, WB, WB, false, WB",
        "6.10, WC,  UC, WB, UC, false, UC",
        "6.10, UC-, WB, WC, WB, false, WC",
        "6.10, UC,  WC, WB, WC, false, WC",
        "5.6,  WC,  WT, WB, WT, false, WT",
        // 6.11+: the non-coherent path is EPT WB without IPAT, the guest MTRR is gone (rule 13)
        "6.12, WC,  UC, WB, WB, false, WB",
        "6.12, WC,  WB, WC, WB, false, WC",
        "6.16, UC-, WB, UC-, WB, false, UC",
        // a cacheable host mapping leaves the era's default (rule 10 / 15): the host type is NOT forced
        "6.10, WB,  WB, WC, WB, true,  WB",
        "6.10, WT,  WB, WC, WB, true,  WB",
        "6.10, WP,  WC, UC, WB, true,  WB",
        "6.16, WB,  WB, WC, WB, true,  WB"
    })
    void option3_inspectHvaHostUcOrWcOnlyTriggersTheNonCoherentPath(
            String kvm, String host, String guestMtrr, String guestPat, String ept, boolean ipat, String expected) {
        KvmPlatform p = intel(kvm + "+inspect-hva");
        GuestPage page = GuestPage.ram(t(guestPat))
                .withGuestMtrr(t(guestMtrr))
                .withSlot(t(host), false, false, Optional.empty());
        EptPolicy.Decision d = EptPolicy.decide(p, page);
        assertThat(d.entry()).isEqualTo(new Ept.Entry(t(ept), ipat));
        assertThat(known(p, page)).isEqualTo(t(expected));
        if (!t(host).isCacheable()) {
            assertThat(d.because()).contains("option 3").contains("non-coherent");
        }
    }

    @Test
    void option3_inspectHvaDiffersFromForcingTheHostType() {
        // DOMAIN 9 row 3: Q only gates the path; the guest's own type decides (here guest WB over a host WC mapping)
        GuestPage page = GuestPage.ram(MemType.WB).withSlot(MemType.WC, false, false, Optional.empty());
        assertThat(known(intel("6.10+inspect-hva"), page)).isEqualTo(MemType.WB);
        assertThat(known(intel("6.10+force-host-type"), page)).isEqualTo(MemType.WC);
    }

    @ParameterizedTest(
            name =
                    "DOMAIN 9 option 3 (Chia-I): kvm {0}+force-host-type, host mapping {1}, guest PAT {2} -> EPT {3} with IPAT -> {4}")
    @CsvSource({
        "6.10, WC,  WB, WC, WC",
        "6.10, WC,  UC, WC, WC",
        "6.10, WB,  WC, WB, WB",
        "6.10, WB,  UC, WB, WB",
        "6.10, WT,  WC, WT, WT",
        "6.10, UC-, WB, UC, UC",
        "5.6,  WC,  WB, WC, WC",
        "6.16, WC,  WB, WC, WC"
    })
    void option3_forceHostTypeGivesTheGuestTheHostMappingTypeWithIpat(
            String kvm, String host, String guestPat, String ept, String expected) {
        KvmPlatform p = intel(kvm + "+force-host-type");
        GuestPage page = GuestPage.ram(t(guestPat)).withSlot(t(host), false, false, Optional.empty());
        EptPolicy.Decision d = EptPolicy.decide(p, page);
        assertThat(d.entry()).isEqualTo(new Ept.Entry(t(ept), true));
        assertThat(d.because()).contains("option 3").contains("force-host-type");
        assertThat(known(p, page)).isEqualTo(t(expected));
    }

    // option 4

    @ParameterizedTest(name = "DOMAIN 9 option 4: kvm 6.10+slot-memtype, slot {0}, guest PAT {1} -> {0}")
    @CsvSource({"WC, WB", "WC, UC", "WC, UC-", "WB, WC", "UC, WB"})
    void slotMemtypeForcesTheSlotTypeWhateverTheGuestPat(String slot, String guestPat) {
        KvmPlatform p = intel("6.10+slot-memtype");
        GuestPage page = GuestPage.ram(t(guestPat)).withSlot(MemType.WB, false, false, Optional.of(t(slot)));
        assertThat(EptPolicy.decide(p, page).entry()).isEqualTo(new Ept.Entry(t(slot), true));
        assertThat(known(p, page)).isEqualTo(t(slot));
    }

    @Test
    void slotMemtypeWithoutATypeOnTheSlotKeepsTheEraBehaviour() {
        KvmPlatform p = intel("6.10+slot-memtype");
        assertThat(EptPolicy.decide(p, GuestPage.ram(MemType.WC)).entry()).isEqualTo(new Ept.Entry(MemType.WB, true));
    }

    @Test
    void slotMemtypeNeedsThePatch() {
        GuestPage page = GuestPage.ram(MemType.UC).withSlot(MemType.WB, false, false, Optional.of(MemType.WC));
        assertThat(known(intel("6.10"), page)).isEqualTo(MemType.WB);
    }

    // option 5: a memslot made from the dma-buf fd (Kevin; Chia-I 19 Feb)

    @ParameterizedTest(
            name = "DOMAIN 9 option 5 (guest type): kvm {0}+dmabuf-slot-guest-type, dma-buf blob, guest PAT {1}")
    @CsvSource({"6.10, WC", "6.10, UC", "6.10, WB", "5.6, WC", "6.16, UC-"})
    void option5_dmabufSlotGuestTypeHonoursTheGuestType(String kvm, String guestPat) {
        KvmPlatform p = intel(kvm + "+dmabuf-slot-guest-type");
        GuestPage blob = GuestPage.ram(t(guestPat)).withDmabuf(MemType.WB);
        EptPolicy.Decision d = EptPolicy.decide(p, blob);
        assertThat(d.entry()).isEqualTo(new Ept.Entry(MemType.WB, false));
        assertThat(d.because()).contains("option 5");
        assertThat(known(p, blob)).isEqualTo(t(guestPat) == MemType.UC_MINUS ? MemType.UC : t(guestPat));
        // ordinary RAM (not from a dma-buf) keeps the era's EPT WB with IPAT
        assertThat(EptPolicy.decide(p, GuestPage.ram(t(guestPat))).entry()).isEqualTo(new Ept.Entry(MemType.WB, true));
    }

    @ParameterizedTest(
            name =
                    "DOMAIN 9 option 5 (exporter type): kvm 6.10+dmabuf-slot-exporter-type, exporter {0}, guest PAT {1} -> {2}")
    @CsvSource({"WC, WB, WC, WC", "WC, UC, WC, WC", "WB, WC, WB, WB", "UC-, WB, UC, UC"})
    void option5_dmabufSlotExporterTypeForcesTheExporterTypeWithIpat(
            String exporter, String guestPat, String ept, String expected) {
        KvmPlatform p = intel("6.10+dmabuf-slot-exporter-type");
        GuestPage blob = GuestPage.ram(t(guestPat)).withDmabuf(t(exporter));
        EptPolicy.Decision d = EptPolicy.decide(p, blob);
        assertThat(d.entry()).isEqualTo(new Ept.Entry(t(ept), true));
        assertThat(d.because()).contains("option 5").contains("exporter");
        assertThat(known(p, blob)).isEqualTo(t(expected));
        assertThat(EptPolicy.decide(p, GuestPage.ram(t(guestPat))).entry()).isEqualTo(new Ept.Entry(MemType.WB, true));
    }

    // the per-slot non-coherent flag (+slot-noncoherent)

    @Test
    void slotNoncoherent_onlyTheFlaggedSlotTakesTheNonCoherentPath() {
        KvmPlatform p = intel("6.10+slot-noncoherent");
        GuestPage flagged = GuestPage.ram(MemType.WC).withSlot(MemType.WC, true, false, Optional.empty());
        GuestPage other = GuestPage.ram(MemType.WC);
        // rule 12 inside the flagged slot: EPT = guest MTRR (WB) without IPAT -> the guest's WC
        EptPolicy.Decision d = EptPolicy.decide(p, flagged);
        assertThat(d.entry()).isEqualTo(new Ept.Entry(MemType.WB, false));
        assertThat(d.because()).contains("slot-noncoherent");
        assertThat(known(p, flagged)).isEqualTo(MemType.WC);
        // rule 10 elsewhere: EPT WB with IPAT
        assertThat(EptPolicy.decide(p, other).entry()).isEqualTo(new Ept.Entry(MemType.WB, true));
        assertThat(known(p, other)).isEqualTo(MemType.WB);
    }

    // option 6

    @Test
    void dmaExcludesDirtyLogForcesWbOnAKvmMemDmaSlotWhileLoggingDirtyPages() {
        KvmPlatform p = intel("5.6+dma-excludes-dirty-log");
        GuestPage migrating = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WC)
                .withSlot(MemType.WB, true, true, Optional.empty());
        assertThat(known(p, migrating)).isEqualTo(MemType.WB);
        assertThat(EptPolicy.decide(p, migrating).entry()).isEqualTo(new Ept.Entry(MemType.WB, true));
        assertThat(EptPolicy.decide(p, migrating).because())
                .contains("option 6")
                .contains("the slot stays");
    }

    @Test
    void dmaExcludesDirtyLogHonoursGuestTypesAgainOutsideMigration() {
        // Without dirty logging the slot follows option 1: VM-wide non-coherent -> guest MTRR x guest PAT (rule 11).
        KvmPlatform p = intel("5.6+dma-excludes-dirty-log");
        GuestPage idle = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WC)
                .withSlot(MemType.WB, true, false, Optional.empty());
        assertThat(known(p, idle)).isEqualTo(MemType.WC);
    }

    @Test
    void dirtyLoggingOnAPlainSlotIsUnaffectedByOption6() {
        KvmPlatform p = intel("5.6+dma-excludes-dirty-log");
        GuestPage page = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WC)
                .withSlot(MemType.WB, false, true, Optional.empty());
        assertThat(known(p, page)).isEqualTo(MemType.WC);
    }

    @Test
    void kvmMemDmaAloneBehavesLikeTheEraWithNoncoherentDma() {
        // DOMAIN 9 option 1: G = grid(guestMTRR, PAT(g)) = WC when the guest uses WC.
        KvmPlatform p = intel("5.6+kvm-mem-dma");
        GuestPage page = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WB)
                .withSlot(MemType.WB, true, false, Optional.empty());
        assertThat(known(p, page)).isEqualTo(MemType.WC);
    }
}
