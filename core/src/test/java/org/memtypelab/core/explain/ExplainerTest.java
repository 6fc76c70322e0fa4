package org.memtypelab.core.explain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.GuestPage;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** The three {@code explain} forms: bare table, raw EPT leaf, and a guest access under KVM. */
class ExplainerTest {

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow();
    }

    // table form (rule 1)

    @ParameterizedTest(name = "DOMAIN 1.3: explain table MTRR {0} PAT {1} -> {2}")
    @CsvSource({"UC, WC, WC", "WB, UC-, UC", "WC, UC-, WC", "WT, WP, WP", "WP, UC-, WC", "UC, WB, UC"})
    void tableFormGivesTheGridCellWithoutEptOrKernel(String mtrr, String pat, String expected) {
        Explanation x = Explainer.table(t(mtrr), t(pat));
        assertThat(x.form()).isEqualTo(Explainer.Form.TABLE);
        assertThat(x.effective().label()).isEqualTo(expected);
        assertThat(x.ept()).isEmpty();
        assertThat(x.kvm()).isEmpty();
        assertThat(x.effective().because()).first().asString().contains("DOMAIN rule 1");
    }

    @Test
    void tableFormExplainsFootnotes() {
        assertThat(Explainer.table(MemType.UC, MemType.WB).effective().because())
                .anyMatch(b -> b.contains("footnote 1"));
        assertThat(Explainer.table(MemType.WB, MemType.UC).effective().because())
                .anyMatch(b -> b.contains("footnote 2"));
        assertThat(Explainer.table(MemType.WP, MemType.UC_MINUS).effective().because())
                .anyMatch(b -> b.contains("footnote 3"));
        assertThat(Explainer.table(MemType.WB, MemType.WB).effective().because())
                .noneMatch(b -> b.contains("footnote"));
    }

    // EPT form (rules 2-5)

    @ParameterizedTest(name = "DOMAIN rules 2-4: explain ept bits {0} ipat {1} guest PAT {2} CR0.CD {3} -> {4}")
    @CsvSource({
        "6, true,  WC,  false, WB, DOMAIN rule 3",
        "6, false, WC,  false, WC, DOMAIN rule 4",
        "6, false, UC-, false, UC, DOMAIN rule 4",
        "0, false, WC,  false, WC, DOMAIN rule 4",
        "0, false, WB,  false, UC, DOMAIN rule 4",
        "1, true,  UC,  false, WC, DOMAIN rule 3",
        "6, true,  WB,  true,  UC, DOMAIN rule 2"
    })
    void eptFormAppliesTheHardwareRulesAndShowsTheLeaf(
            int bits, boolean ipat, String guestPat, boolean cd, String expected, String rule) {
        Explanation x = Explainer.ept(bits, ipat, t(guestPat), cd);
        assertThat(x.form()).isEqualTo(Explainer.Form.EPT);
        assertThat(x.cpu()).isEqualTo(CpuVendor.INTEL);
        assertThat(x.effective().label()).isEqualTo(expected);
        assertThat(x.ept()).contains(new Ept.Entry(MemType.fromEptEncoding(bits).orElseThrow(), ipat));
        assertThat(x.effective().because()).anyMatch(b -> b.contains(rule));
    }

    @ParameterizedTest(name = "DOMAIN rule 5: explain ept bits {0} -> misconfig")
    @CsvSource({"2", "3", "7"})
    void eptFormWithReservedBitsIsAMisconfiguration(int bits) {
        Explanation x = Explainer.ept(bits, false, MemType.WB, false);
        assertThat(x.effective()).isInstanceOf(Effective.Misconfiguration.class);
        assertThat(x.effective().label()).isEqualTo("misconfig");
        assertThat(x.ept()).isEmpty();
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 5"));
    }

    // KVM form

    @Test
    void kvmFormOnIntel610ShowsTheEptLeafAndRule10() {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 10), true, true, true);
        Explanation x = Explainer.kvm(p, GuestPage.ram(MemType.WC));
        assertThat(x.form()).isEqualTo(Explainer.Form.KVM);
        assertThat(x.kvm()).contains(KvmVersion.of(6, 10));
        assertThat(x.effective().label()).isEqualTo("WB");
        assertThat(x.ept()).contains(new Ept.Entry(MemType.WB, true));
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 10"));
    }

    @Test
    void kvmFormOnIntelMmioCitesRule9() {
        Explanation x =
                Explainer.kvm(KvmPlatform.defaults(), GuestPage.ram(MemType.WC).withMmio(true));
        assertThat(x.effective().label()).isEqualTo("WC");
        assertThat(x.ept()).contains(new Ept.Entry(MemType.UC, false));
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 9"));
    }

    @Test
    void kvmFormOnIntel616WithQuirkDisabledCitesRule15() {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 16), true, false, true);
        Explanation x = Explainer.kvm(p, GuestPage.ram(MemType.WC));
        assertThat(x.effective().label()).isEqualTo("WC");
        assertThat(x.ept()).contains(new Ept.Entry(MemType.WB, false));
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 15"));
    }

    @Test
    void kvmFormOnAmdHasNoEptLeafAndGivesWcPlus() {
        KvmPlatform p = new KvmPlatform(CpuVendor.AMD, KvmVersion.of(6, 16), false, true, true);
        Explanation x = Explainer.kvm(p, GuestPage.ram(MemType.WC));
        assertThat(x.form()).isEqualTo(Explainer.Form.KVM);
        assertThat(x.cpu()).isEqualTo(CpuVendor.AMD);
        assertThat(x.ept()).isEmpty();
        assertThat(x.effective().label()).isEqualTo("WC+");
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 6"));
    }

    @Test
    void kvmFormOnAmdUnverifiedCellSaysUnknown() {
        KvmPlatform p = new KvmPlatform(CpuVendor.AMD, KvmVersion.of(6, 16), false, true, true);
        Explanation x = Explainer.kvm(p, GuestPage.ram(MemType.WB));
        assertThat(x.ept()).isEmpty();
        assertThat(x.effective().label()).isEqualTo("unknown");
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 6"));
    }

    // rule 10b: UC that comes from the EPT type is footnote-1 UC

    @ParameterizedTest(name = "DOMAIN rule 10b: explain ept bits 0 ipat {0} guest PAT {1} -> UC, footnote 1")
    @CsvSource({"false, WB", "false, UC", "false, UC-", "true, WB", "true, WC"})
    void eptFormOfAnEptUcLeafCitesRule10bAndFootnoteOne(boolean ipat, String guestPat) {
        Explanation x = Explainer.ept(0, ipat, t(guestPat), false);
        assertThat(x.effective().label()).isEqualTo("UC");
        assertThat(x.effective().because())
                .anyMatch(b -> b.contains("DOMAIN rule 10b") && b.contains("footnote 1") && b.contains("snoop"));
    }

    @ParameterizedTest(name = "DOMAIN rule 10b: explain ept bits {0} ipat {1} guest PAT {2} -> {3}, not footnote 1")
    @CsvSource({
        "6, false, UC,  UC", // UC from the guest PAT under EPT WB,0: footnote 2
        "0, false, WC,  WC", // guest WC over EPT UC: WC, not UC
        "6, true,  WB,  WB",
        "6, true,  WB,  UC" // hardware CR0.CD (rule 2), not the EPT type
    })
    void eptFormWithoutAnEptOriginatedUcDoesNotCiteRule10b(int bits, boolean ipat, String guestPat, String expected) {
        boolean cd = bits == 6 && ipat && expected.equals("UC");
        Explanation x = Explainer.ept(bits, ipat, t(guestPat), cd);
        assertThat(x.effective().label()).isEqualTo(expected);
        assertThat(x.effective().because()).noneMatch(b -> b.contains("rule 10b"));
    }

    @Test
    void kvmFormOfAGuestMtrrUcUnderNoncoherentDmaShowsEptUcAndCitesRule10b() {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of("6.10"), true, true, true);
        GuestPage page = GuestPage.ram(MemType.WB).withNoncoherentDma(true).withGuestMtrr(MemType.UC);
        Explanation x = Explainer.kvm(p, page);
        assertThat(x.effective().label()).isEqualTo("UC");
        assertThat(x.ept()).contains(new Ept.Entry(MemType.UC, false));
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 12"));
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 10b") && b.contains("footnote 1"));
    }

    @Test
    void kvmFormOfAnMmioPageTheGuestMapsWbCitesRule10b() {
        Explanation x =
                Explainer.kvm(KvmPlatform.defaults(), GuestPage.ram(MemType.WB).withMmio(true));
        assertThat(x.effective().label()).isEqualTo("UC");
        assertThat(x.effective().because()).anyMatch(b -> b.contains("DOMAIN rule 10b"));
    }

    @Test
    void kvmFormOfAGuestPatUcOverEptWbCitesFootnoteTwoNotRule10b() {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of("6.12"), true, true, true);
        Explanation x = Explainer.kvm(p, GuestPage.ram(MemType.UC).withNoncoherentDma(true));
        assertThat(x.effective().label()).isEqualTo("UC");
        assertThat(x.effective().because()).anyMatch(b -> b.contains("footnote 2"));
        assertThat(x.effective().because()).noneMatch(b -> b.contains("rule 10b"));
    }

    @ParameterizedTest(name = "DOMAIN rule 14: explain kvm {0} on a self-snoop CPU, guest PAT WC -> {1} citing {2}")
    @CsvSource({"6.11-rc3, WC, DOMAIN rule 14", "6.11, WB, DOMAIN rule 10", "6.11.5, WB, DOMAIN rule 10"})
    void kvmFormFollowsRule14ForReleaseCandidatesOnly(String kvm, String expected, String rule) {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(kvm), true, true, true);
        Explanation x = Explainer.kvm(p, GuestPage.ram(MemType.WC));
        assertThat(x.kvm()).contains(KvmVersion.of(kvm));
        assertThat(x.effective().label()).isEqualTo(expected);
        assertThat(x.effective().because()).first().asString().contains(rule);
    }
}
