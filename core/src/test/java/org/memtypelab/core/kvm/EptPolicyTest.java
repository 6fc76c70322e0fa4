package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** DOMAIN 2.2 table, rules 8-15: vmx_get_mt_mask() per kernel era. */
class EptPolicyTest {

    static KvmPlatform intel(String kvm, boolean selfSnoop, boolean ignoreGuestPatQuirk, boolean cdNwQuirk) {
        return new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(kvm), selfSnoop, ignoreGuestPatQuirk, cdNwQuirk);
    }

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow();
    }

    static Ept.Entry decide(KvmPlatform p, GuestPage page) {
        return EptPolicy.decide(p, page).entry();
    }

    /** The decision for a WB RAM page of a VM with non-coherent DMA, guest CR0.CD {@code cd} and a guest MTRR. */
    static void assertNoncoherentDmaDecision(
            KvmPlatform p, boolean cd, String guestMtrr, String type, boolean ipat, String rule) {
        GuestPage page = GuestPage.ram(MemType.WB)
                .withNoncoherentDma(true)
                .withGuestCr0Cd(cd)
                .withGuestMtrr(t(guestMtrr));
        EptPolicy.Decision d = EptPolicy.decide(p, page);
        assertThat(d.entry()).isEqualTo(new Ept.Entry(t(type), ipat));
        assertThat(d.because()).contains(rule);
    }

    // --- is_mmio column ---

    @ParameterizedTest(name = "DOMAIN rule 9: kvm {0} mmio, non-coherent DMA {1}, self-snoop {2} -> EPT UC ipat=false")
    @CsvSource({
        "5.6,  false, false",
        "5.6,  true,  true",
        "6.6,  false, true",
        "6.6,  true,  false",
        "6.7,  false, true",
        "6.7,  true,  false",
        "6.10, false, true",
        "6.10, true,  false",
        "6.11, false, true",
        "6.11, false, false",
        "6.11, true, true",
        "6.12, false, true",
        "6.12, true,  false",
        "6.15, false, true",
        "6.15, true,  true",
        "6.16, false, true",
        "6.16, true,  true",
        "6.19, false, false",
        "6.19, true,  true"
    })
    void mmioPageIsEptUcWithoutIpatInEveryEra(String kvm, boolean noncoherent, boolean selfSnoop) {
        for (boolean quirk : new boolean[] {true, false}) {
            for (boolean cd : new boolean[] {true, false}) {
                GuestPage page = GuestPage.ram(MemType.WB)
                        .withMmio(true)
                        .withNoncoherentDma(noncoherent)
                        .withGuestCr0Cd(cd)
                        .withGuestMtrr(MemType.WB);
                EptPolicy.Decision d = EptPolicy.decide(intel(kvm, selfSnoop, quirk, quirk), page);
                assertThat(d.entry()).isEqualTo(new Ept.Entry(MemType.UC, false));
                assertThat(d.because()).contains("DOMAIN rule 9");
            }
        }
    }

    // --- !is_mmio, no non-coherent DMA column ---

    @ParameterizedTest(name = "DOMAIN rules 10, 14: kvm {0} self-snoop {1} -> EPT {2} ipat={3}")
    @CsvSource({
        "5.6,  true,  WB, true",
        "5.6,  false, WB, true",
        "6.6,  true,  WB, true",
        "6.6,  false, WB, true",
        "6.7,  true,  WB, true",
        "6.7,  false, WB, true",
        "6.10, true,  WB, true",
        "6.10, false, WB, true",
        // rule 14: only the release candidates of 6.11 honour guest PAT on self-snoop CPUs
        "6.11-rc1, true,  WB, false",
        "6.11-rc3, true,  WB, false",
        "6.11-rc7, true,  WB, false",
        "6.11-rc3, false, WB, true",
        // reverted (9d70f3fec144) before the v6.11 tag: rule 10 again
        "6.11, true,  WB, true",
        "6.11, false, WB, true",
        "6.11.5, true,  WB, true",
        "6.12-rc1, true,  WB, true",
        "6.12, true,  WB, true",
        "6.12.77, true,  WB, true",
        "6.12.78, true,  WB, true",
        "6.12, false, WB, true",
        "6.15, true,  WB, true",
        "6.15, false, WB, true",
        "6.16, true,  WB, true",
        "6.16, false, WB, true",
        "6.19, true,  WB, true",
        "6.19, false, WB, true"
    })
    void rule14_ramWithoutNoncoherentDmaHonoursGuestPatOnlyIn611ReleaseCandidatesOnSelfSnoop(
            String kvm, boolean selfSnoop, String type, boolean ipat) {
        // quirk IGNORE_GUEST_PAT at its default (enabled); rules 10, 14, 15 and the 6.12 revert.
        EptPolicy.Decision d = EptPolicy.decide(intel(kvm, selfSnoop, true, true), GuestPage.ram(MemType.WC));
        assertThat(d.entry()).isEqualTo(new Ept.Entry(t(type), ipat));
        if (KvmVersion.of(kvm).era() == KvmEra.V6_11_RC) {
            assertThat(d.because()).contains("DOMAIN rule 14");
        }
    }

    @ParameterizedTest(name = "DOMAIN rule 15: kvm {0} quirk IGNORE_GUEST_PAT {1} -> EPT {2} ipat={3}")
    @CsvSource({
        "6.16, true,  WB, true",
        "6.16, false, WB, false",
        "6.19, true,  WB, true",
        "6.19, false, WB, false",
        // 6.12.y has the quirk from 6.12.78 (4055f250a329)
        "6.12.78, true,  WB, true",
        "6.12.78, false, WB, false",
        "6.12.100, false, WB, false",
        // no quirk before 6.16 or 6.12.78: the switch has no effect
        "6.12.77, false, WB, true",
        "6.15, false, WB, true",
        "6.12, false, WB, true",
        "6.10, false, WB, true",
        "5.6,  false, WB, true"
    })
    void rule15_quirkIgnoreGuestPatDecidesIpatFrom616AndFrom61278(
            String kvm, boolean quirk, String type, boolean ipat) {
        Ept.Entry e = decide(intel(kvm, true, quirk, true), GuestPage.ram(MemType.WC));
        assertThat(e).isEqualTo(new Ept.Entry(t(type), ipat));
    }

    @ParameterizedTest(name = "DOMAIN rule 10: kvm {0}, RAM, no non-coherent DMA, guest CR0.CD {1} -> EPT WB ipat=true")
    @CsvSource({"5.6, false", "5.6, true", "6.6, true", "6.7, true", "6.10, false", "6.10, true"})
    void guestCr0CdAndMtrrAreIrrelevantWithoutNoncoherentDma(String kvm, boolean cd) {
        GuestPage page = GuestPage.ram(MemType.WC).withGuestCr0Cd(cd).withGuestMtrr(MemType.UC);
        assertThat(decide(intel(kvm, false, true, false), page)).isEqualTo(new Ept.Entry(MemType.WB, true));
    }

    // --- !is_mmio, non-coherent DMA column ---

    @ParameterizedTest(
            name =
                    "DOMAIN rule 11: kvm {0} non-coherent DMA, CR0.CD {1}, CD_NW quirk {2}, guest MTRR {3} -> EPT {4} ipat={5}")
    @CsvSource({
        "5.6, false, true,  WC, WC, false",
        "5.6, false, true,  UC, UC, false",
        "5.6, false, false, WT, WT, false",
        "5.6, false, true,  WP, WP, false",
        "5.6, false, true,  WB, WB, false",
        "5.6, true,  true,  WC, WB, true",
        "5.6, true,  false, WC, UC, true",
        "6.6, false, true,  WC, WC, false",
        "6.6, false, false, UC, UC, false",
        "6.6, true,  true,  UC, WB, true",
        "6.6, true,  false, WB, UC, true"
    })
    void upTo66NoncoherentDmaVirtualisesGuestMtrrAndCr0Cd(
            String kvm, boolean cd, boolean cdNw, String guestMtrr, String type, boolean ipat) {
        assertNoncoherentDmaDecision(intel(kvm, false, true, cdNw), cd, guestMtrr, type, ipat, "DOMAIN rule 11");
    }

    @ParameterizedTest(
            name =
                    "DOMAIN rule 12: kvm {0} non-coherent DMA, CR0.CD {1}, CD_NW quirk {2}, guest MTRR {3} -> EPT {4} ipat={5}")
    @CsvSource({
        "6.7,  false, true,  WC, WC, false",
        "6.7,  false, false, UC, UC, false",
        "6.7,  true,  true,  WC, WB, false",
        "6.7,  true,  false, WC, UC, true",
        "6.10, false, true,  WT, WT, false",
        "6.10, false, true,  WB, WB, false",
        "6.10, true,  true,  UC, WB, false",
        "6.10, true,  false, WB, UC, true"
    })
    void from67To610Cr0CdWithCdNwQuirkDropsIpat(
            String kvm, boolean cd, boolean cdNw, String guestMtrr, String type, boolean ipat) {
        assertNoncoherentDmaDecision(intel(kvm, true, true, cdNw), cd, guestMtrr, type, ipat, "DOMAIN rule 12");
    }

    @ParameterizedTest(
            name =
                    "DOMAIN rule 13: kvm {0} non-coherent DMA, self-snoop {1}, quirk {2}, CR0.CD {3}, guest MTRR {4} -> EPT WB ipat=false")
    @CsvSource({
        "6.11-rc1, true,  true,  true,  UC",
        "6.11-rc7, false, true,  false, WC",
        "6.11, true,  true,  false, WC",
        "6.11, false, true,  true,  UC",
        "6.11.5, true,  true,  true,  UC",
        "6.12.77, true,  true,  true,  WC",
        "6.12.78, true,  false, true,  UC",
        "6.11, false, false, false, UC",
        "6.12, true,  true,  true,  WC",
        "6.12, false, false, false, UC",
        "6.15, true,  true,  false, WT",
        "6.16, true,  true,  true,  UC",
        "6.16, true,  false, false, WC",
        "6.19, false, true,  true,  UC",
        "6.19, true,  false, false, WP"
    })
    void from611NoncoherentDmaIsEptWbWithoutIpatAndIgnoresGuestMtrrAndCr0Cd(
            String kvm, boolean selfSnoop, boolean quirk, boolean cd, String guestMtrr) {
        GuestPage page = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestCr0Cd(cd)
                .withGuestMtrr(t(guestMtrr));
        for (boolean cdNw : new boolean[] {true, false}) {
            EptPolicy.Decision d = EptPolicy.decide(intel(kvm, selfSnoop, quirk, cdNw), page);
            assertThat(d.entry()).isEqualTo(new Ept.Entry(MemType.WB, false));
            assertThat(d.because()).contains("DOMAIN rule 13");
        }
    }

    @Test
    void eptPolicyRefusesAmd() {
        KvmPlatform amd = new KvmPlatform(CpuVendor.AMD, KvmVersion.of(6, 16), false, true, true);
        assertThatThrownBy(() -> EptPolicy.decide(amd, GuestPage.ram(MemType.WB)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EPT memtypes exist only on Intel; AMD uses NPT (DOMAIN rule 6)");
    }

    @Test
    void guestPatDoesNotInfluenceTheEptDecision() {
        // DOMAIN 2.2: vmx_get_mt_mask() never reads the guest PTE; PAT only matters in the hardware step.
        for (MemType pat : MemType.PAT_TYPES) {
            assertThat(decide(intel("6.10", false, true, true), GuestPage.ram(pat)))
                    .isEqualTo(new Ept.Entry(MemType.WB, true));
            assertThat(decide(intel("6.11-rc3", true, true, true), GuestPage.ram(pat)))
                    .isEqualTo(new Ept.Entry(MemType.WB, false));
            assertThat(decide(intel("6.11", true, true, true), GuestPage.ram(pat)))
                    .isEqualTo(new Ept.Entry(MemType.WB, true));
        }
    }
}
