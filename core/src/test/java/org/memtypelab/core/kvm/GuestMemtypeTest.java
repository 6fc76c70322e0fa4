package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** End-to-end effective type of a guest access under KVM: EPT policy, then hardware rules; or AMD NPT. */
class GuestMemtypeTest {

    static KvmPlatform intel(String kvm, boolean selfSnoop) {
        return new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(kvm), selfSnoop, true, true);
    }

    static KvmPlatform amd(String kvm) {
        return new KvmPlatform(CpuVendor.AMD, KvmVersion.of(kvm), false, true, true);
    }

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow();
    }

    static MemType known(GuestMemtype.Resolution r) {
        assertThat(r.effective()).isInstanceOf(Effective.Known.class);
        return ((Effective.Known) r.effective()).type();
    }

    @ParameterizedTest(name = "DOMAIN rule 10: kvm {0}, RAM, guest PAT {1} -> effective WB")
    @CsvSource({"5.6, WC", "5.6, UC", "6.6, UC-", "6.7, WC", "6.10, WC", "6.10, UC", "6.12, WC", "6.16, WC"})
    void guestPatIsLostOnRamWhenKvmIgnoresIt(String kvm, String guestPat) {
        GuestMemtype.Resolution r = GuestMemtype.resolve(intel(kvm, false), GuestPage.ram(t(guestPat)));
        assertThat(known(r)).isEqualTo(MemType.WB);
        assertThat(r.ept()).contains(new Ept.Entry(MemType.WB, true));
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 3"));
    }

    @ParameterizedTest(name = "DOMAIN rules 10 and 14: kvm {0}, self-snoop {1}, RAM, guest PAT WC -> effective WB")
    @CsvSource({"6.10, true", "6.11-rc3, false", "6.11, false", "6.11, true", "6.11.5, true", "6.12.77, true"})
    void guestWcOnRamIsWbWhileKvmSetsIpat(String kvm, boolean selfSnoop) {
        assertThat(known(GuestMemtype.resolve(intel(kvm, selfSnoop), GuestPage.ram(MemType.WC))))
                .isEqualTo(MemType.WB);
    }

    @ParameterizedTest(name = "DOMAIN rule 9: kvm {0}, mmio, guest PAT {1} -> effective {2}")
    @CsvSource({
        "5.6,  WC,  WC",
        "5.6,  WB,  UC",
        "5.6,  UC-, UC",
        "6.10, WC,  WC",
        "6.10, WB,  UC",
        "6.11, WC,  WC",
        "6.11, WB,  UC",
        "6.16, WC,  WC",
        "6.16, WB,  UC",
        "6.16, WT, UC",
        "6.19, UC,  UC"
    })
    void mmioPageGivesUcExceptGuestWc(String kvm, String guestPat, String expected) {
        GuestMemtype.Resolution r = GuestMemtype.resolve(
                intel(kvm, true), GuestPage.ram(t(guestPat)).withMmio(true));
        assertThat(known(r)).isEqualTo(t(expected));
        assertThat(r.ept()).contains(new Ept.Entry(MemType.UC, false));
    }

    @ParameterizedTest(name = "DOMAIN rule 14: kvm {0} on a self-snoop CPU, RAM, guest PAT {1} -> effective {2}")
    @CsvSource({
        // 6.11-rc1 ... rc7: 377b2f359d1f honours the guest PAT (EPT WB without IPAT)
        "6.11-rc1, WC,  WC",
        "6.11-rc3, UC,  UC",
        "6.11-rc3, UC-, UC",
        "6.11-rc7, WT,  WT",
        "6.11-rc3, WP,  WP",
        "6.11-rc3, WB,  WB",
        // reverted before the v6.11 tag: 6.11 final and every 6.11.y behave like rule 10
        "6.11,     WC,  WB",
        "6.11,     UC,  WB",
        "6.11.5,   WC,  WB",
        "6.11.5,   UC-, WB",
        "6.12-rc1, WC,  WB"
    })
    void rule14_selfSnoopHonoursGuestPatOnlyIn611ReleaseCandidates(String kvm, String guestPat, String expected) {
        GuestMemtype.Resolution r = GuestMemtype.resolve(intel(kvm, true), GuestPage.ram(t(guestPat)));
        assertThat(known(r)).isEqualTo(t(expected));
        boolean rc = KvmVersion.of(kvm).releaseCandidate() && KvmVersion.of(kvm).series(6, 11);
        assertThat(r.ept()).contains(new Ept.Entry(MemType.WB, !rc));
        assertThat(r.effective().because()).anyMatch(b -> b.contains(rc ? "DOMAIN rule 14" : "DOMAIN rule 10"));
    }

    @ParameterizedTest(name = "DOMAIN rule 13: kvm {0} non-coherent DMA, guest PAT {1} -> effective {2}")
    @CsvSource({
        "6.11, UC-, UC",
        "6.11, WC, WC",
        "6.12, UC-, UC",
        "6.12, WC, WC",
        "6.12, WB, WB",
        "6.15, UC-, UC",
        "6.16, UC-, UC",
        "6.16, WC, WC",
        "6.19, UC-, UC",
        "6.19, WT, WT"
    })
    void from611NoncoherentDmaGivesTheGuestPatTypeWithUcMinusAsUc(String kvm, String guestPat, String expected) {
        for (boolean selfSnoop : new boolean[] {true, false}) {
            GuestPage page = GuestPage.ram(t(guestPat)).withNoncoherentDma(true).withGuestMtrr(MemType.UC);
            assertThat(known(GuestMemtype.resolve(intel(kvm, selfSnoop), page))).isEqualTo(t(expected));
        }
    }

    @Test
    void from611GuestCr0CdIsNotVirtualisedSoItDoesNotForceUc() {
        // DOMAIN rule 2 note and rule 13: KVM keeps guest CD off the hardware and no longer emulates it.
        GuestPage page = GuestPage.ram(MemType.WB).withNoncoherentDma(true).withGuestCr0Cd(true);
        assertThat(known(GuestMemtype.resolve(intel("6.11", false), page))).isEqualTo(MemType.WB);
        assertThat(known(GuestMemtype.resolve(intel("6.16", true), page))).isEqualTo(MemType.WB);
    }

    @ParameterizedTest(
            name = "DOMAIN rule 11: kvm {0} non-coherent DMA, guest MTRR {1} x guest PAT {2} -> effective {3}")
    @CsvSource({
        "5.6, WC, WB,  WC",
        "5.6, WC, UC-, WC",
        "5.6, UC, WC,  WC",
        "5.6, UC, WB,  UC",
        "5.6, WB, UC-, UC",
        "6.6, WT, WP,  WP",
        "6.6, WP, UC-, WC"
    })
    void upTo66NoncoherentDmaAppliesTheGridToGuestMtrrAndPat(
            String kvm, String guestMtrr, String guestPat, String expected) {
        GuestPage page = GuestPage.ram(t(guestPat)).withNoncoherentDma(true).withGuestMtrr(t(guestMtrr));
        assertThat(known(GuestMemtype.resolve(intel(kvm, false), page))).isEqualTo(t(expected));
    }

    @Test
    void upTo66GuestCr0CdUnderNoncoherentDmaIsWbWithQuirkAndUcWithout() {
        GuestPage page = GuestPage.ram(MemType.WC).withNoncoherentDma(true).withGuestCr0Cd(true);
        KvmPlatform quirk = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 6), false, true, true);
        KvmPlatform noQuirk = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 6), false, true, false);
        assertThat(known(GuestMemtype.resolve(quirk, page))).isEqualTo(MemType.WB);
        assertThat(known(GuestMemtype.resolve(noQuirk, page))).isEqualTo(MemType.UC);
    }

    @Test
    void from67GuestCr0CdWithCdNwQuirkLetsGuestPatThrough() {
        // DOMAIN rule 12: EPT(WB, 0) -> grid(WB, PAT(g)).
        GuestPage page = GuestPage.ram(MemType.WC).withNoncoherentDma(true).withGuestCr0Cd(true);
        assertThat(known(GuestMemtype.resolve(intel("6.7", false), page))).isEqualTo(MemType.WC);
        assertThat(known(GuestMemtype.resolve(intel("6.10", false), page.withMmio(false))))
                .isEqualTo(MemType.WC);
        GuestPage uc = GuestPage.ram(MemType.UC_MINUS).withNoncoherentDma(true).withGuestCr0Cd(true);
        assertThat(known(GuestMemtype.resolve(intel("6.10", false), uc))).isEqualTo(MemType.UC);
    }

    @Test
    void kernel616WithQuirkDisabledHonoursGuestWcOnRam() {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 16), true, false, true);
        assertThat(known(GuestMemtype.resolve(p, GuestPage.ram(MemType.WC)))).isEqualTo(MemType.WC);
        assertThat(known(GuestMemtype.resolve(p, GuestPage.ram(MemType.UC_MINUS))))
                .isEqualTo(MemType.UC);
    }

    @Test
    void resolutionReasonsCiteTheKvmRuleAndTheHardwareRule() {
        GuestMemtype.Resolution r = GuestMemtype.resolve(intel("6.11-rc3", true), GuestPage.ram(MemType.WC));
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 14"));
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 4"));
    }

    // --- UC from the EPT type (rule 10b) ---

    @ParameterizedTest(
            name =
                    "DOMAIN rule 10b: kvm {0}, non-coherent DMA, guest MTRR {1}, PAT {2}, CR0.CD {3} -> EPT {4} ipat={5}, UC")
    @CsvSource({
        // rule 11/12: the guest MTRR becomes the EPT type; UC there is UC from the EPT (footnote 1)
        "6.10, UC, WB,  false, true,  UC, false",
        "6.10, UC, UC,  false, true,  UC, false",
        "5.6,  UC, WT,  false, true,  UC, false",
        // rule 11: CR0.CD=1 without CD_NW_CLEARED -> EPT UC with IPAT, also footnote 1 [I]
        "5.6,  WB, WB,  true,  false, UC, true",
        "6.8,  WB, WC,  true,  false, UC, true"
    })
    void rule10b_ucFromTheEptTypeIsExplainedAsFootnoteOne(
            String kvm, String guestMtrr, String guestPat, boolean cd, boolean cdNwQuirk, String ept, boolean ipat) {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(kvm), true, true, cdNwQuirk);
        GuestPage page = GuestPage.ram(t(guestPat))
                .withNoncoherentDma(true)
                .withGuestMtrr(t(guestMtrr))
                .withGuestCr0Cd(cd);
        GuestMemtype.Resolution r = GuestMemtype.resolve(p, page);
        assertThat(known(r)).isEqualTo(MemType.UC);
        assertThat(r.ept()).contains(new Ept.Entry(t(ept), ipat));
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 10b") && b.contains("footnote 1"));
    }

    @ParameterizedTest(
            name = "DOMAIN rule 10b: kvm {0}, non-coherent DMA, guest PAT {1} over EPT WB,0 -> UC from the PAT")
    @CsvSource({"6.11, UC", "6.11, UC-", "6.12, UC", "6.16, UC-", "6.10, UC"})
    void rule10b_ucFromTheGuestPatUnderEptWbIsNotFootnoteOne(String kvm, String guestPat) {
        GuestPage page = GuestPage.ram(t(guestPat)).withNoncoherentDma(true).withGuestMtrr(MemType.WB);
        GuestMemtype.Resolution r = GuestMemtype.resolve(intel(kvm, true), page);
        assertThat(known(r)).isEqualTo(MemType.UC);
        assertThat(r.ept()).contains(new Ept.Entry(MemType.WB, false));
        assertThat(r.effective().because()).noneMatch(b -> b.contains("DOMAIN rule 10b"));
        assertThat(r.effective().because()).anyMatch(b -> b.contains("footnote 2"));
    }

    // --- dirty logging (rule 25) ---

    @ParameterizedTest(name = "DOMAIN rule 25: kvm {0}, dirty logging on a slot never changes the memtype")
    @ValueSource(strings = {"5.6", "6.6", "6.7", "6.10", "6.11", "6.12", "6.15", "6.16", "6.19", "5.6+kvm-mem-dma"})
    void dirtyLoggingNeverChangesTheResolvedMemtype(String kvm) {
        for (MemType pat : MemType.PAT_TYPES) {
            for (boolean noncoherent : new boolean[] {false, true}) {
                for (boolean selfSnoop : new boolean[] {false, true}) {
                    KvmPlatform p = intel(kvm, selfSnoop);
                    GuestPage off = GuestPage.ram(pat)
                            .withNoncoherentDma(noncoherent)
                            .withGuestMtrr(MemType.WC)
                            .withSlot(MemType.WC, true, false, Optional.empty());
                    GuestPage on = off.withSlot(MemType.WC, true, true, Optional.empty());
                    assertThat(GuestMemtype.resolve(p, on).ept())
                            .isEqualTo(GuestMemtype.resolve(p, off).ept());
                    assertThat(GuestMemtype.resolve(p, on).effective().label())
                            .isEqualTo(GuestMemtype.resolve(p, off).effective().label());
                }
            }
        }
    }

    // --- AMD (rule 6) ---

    @ParameterizedTest(name = "DOMAIN rule 6: AMD kvm {0}, RAM, guest PAT {1} -> {2}")
    @CsvSource({
        "5.6,  WC,  WC+",
        "6.16, WC,  WC+",
        "6.16, UC-, CD",
        "6.11, UC,  unknown",
        "6.16, WT,  unknown",
        "6.16, WP,  unknown",
        "6.16, WB,  unknown"
    })
    void amdRamAnswersOnlyVerifiedCells(String kvm, String guestPat, String label) {
        GuestMemtype.Resolution r = GuestMemtype.resolve(amd(kvm), GuestPage.ram(t(guestPat)));
        assertThat(r.ept()).isEmpty();
        assertThat(r.effective().label()).isEqualTo(label);
    }

    @Test
    void amdIgnoresNoncoherentDmaAndKvmEra() {
        // DOMAIN 1.5: NPT carries no memtype bits in any era; guest WC -> WC+ whatever the VM's DMA state.
        for (String kvm : new String[] {"5.6", "6.6", "6.11", "6.16"}) {
            GuestPage page = GuestPage.ram(MemType.WC).withNoncoherentDma(true);
            assertThat(GuestMemtype.resolve(amd(kvm), page).effective().label()).isEqualTo("WC+");
        }
    }

    @ParameterizedTest(name = "DOMAIN rule 6a: AMD kvm {0}, guest CR0.CD=1, guest PAT {1}, CD_NW_CLEARED on -> {2}")
    @CsvSource({"5.6, WC, WC+", "6.10, WC, WC+", "6.16, UC-, CD", "6.16, WB, unknown"})
    void rule6a_amdGuestCr0CdWithCdNwClearedIsComputedAsCdZero(String kvm, String guestPat, String label) {
        GuestPage cd = GuestPage.ram(t(guestPat)).withGuestCr0Cd(true);
        GuestMemtype.Resolution r = GuestMemtype.resolve(amd(kvm), cd);
        assertThat(r.effective().label()).isEqualTo(label);
        assertThat(r.effective().label())
                .as("no caching effect: the same as with CR0.CD=0")
                .isEqualTo(GuestMemtype.resolve(amd(kvm), cd.withGuestCr0Cd(false))
                        .effective()
                        .label());
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 6a"));
    }

    @ParameterizedTest(
            name = "DOMAIN rule 6a: AMD kvm 6.16, guest CR0.CD=1, guest PAT {0}, CD_NW_CLEARED off -> unknown")
    @ValueSource(strings = {"WC", "UC-", "WB"})
    void rule6a_amdGuestCr0CdWithoutCdNwClearedReachesTheHardwareAndIsUnverified(String guestPat) {
        KvmPlatform noQuirk = new KvmPlatform(CpuVendor.AMD, KvmVersion.of("6.16"), false, true, false);
        GuestMemtype.Resolution r =
                GuestMemtype.resolve(noQuirk, GuestPage.ram(t(guestPat)).withGuestCr0Cd(true));
        assertThat(r.effective()).isInstanceOf(Effective.Unknown.class);
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 6a"));
    }

    @ParameterizedTest(name = "DOMAIN rule 6: AMD mmio, guest PAT {0} -> unknown")
    @ValueSource(strings = {"UC", "UC-", "WC", "WT", "WP", "WB"})
    void amdMmioIsUnknown(String guestPat) {
        GuestMemtype.Resolution r =
                GuestMemtype.resolve(amd("6.16"), GuestPage.ram(t(guestPat)).withMmio(true));
        assertThat(r.effective()).isInstanceOf(Effective.Unknown.class);
        assertThat(r.ept()).isEmpty();
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN"));
    }
}
