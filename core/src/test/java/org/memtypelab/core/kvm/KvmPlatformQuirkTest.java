package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DOMAIN 2.3 and rule 15: what KVM accepts for KVM_X86_QUIRK_IGNORE_GUEST_PAT. */
class KvmPlatformQuirkTest {

    static KvmPlatform platform(CpuVendor cpu, String kvm, boolean selfSnoop, boolean quirk) {
        return new KvmPlatform(cpu, KvmVersion.of(kvm), selfSnoop, quirk, true);
    }

    @Test
    void disablingTheQuirkOn616WithoutSelfSnoopIsRejected() {
        assertThat(platform(CpuVendor.INTEL, "6.16", false, false).quirkProblems(true))
                .singleElement()
                .asString()
                .contains("self-snoop")
                .contains("rule 15");
    }

    @Test
    void disablingTheQuirkOn616IntelWithSelfSnoopIsAccepted() {
        assertThat(platform(CpuVendor.INTEL, "6.16", true, false).quirkProblems(true))
                .isEmpty();
        assertThat(platform(CpuVendor.INTEL, "6.19", true, false).quirkProblems(true))
                .isEmpty();
    }

    @Test
    void leavingTheQuirkEnabledOn616IsAcceptedWithOrWithoutSelfSnoop() {
        assertThat(platform(CpuVendor.INTEL, "6.16", false, true).quirkProblems(true))
                .isEmpty();
        assertThat(platform(CpuVendor.INTEL, "6.16", true, true).quirkProblems(true))
                .isEmpty();
    }

    @ParameterizedTest(name = "DOMAIN rule 15: stating the quirk (enabled={1}) on kvm {0} is rejected")
    @CsvSource({"5.6, false", "6.6, true", "6.10, false", "6.11, false", "6.12, true", "6.15, false"})
    void statingTheQuirkOnAKernelBefore616IsRejected(String kvm, boolean quirk) {
        assertThat(platform(CpuVendor.INTEL, kvm, true, quirk).quirkProblems(true))
                .singleElement()
                .asString()
                .contains("6.16");
    }

    @ParameterizedTest(name = "DOMAIN rule 15: stating the quirk on AMD kvm {0} is rejected")
    @CsvSource({"6.16, true", "6.16, false", "6.19, false", "6.10, false"})
    void statingTheQuirkOnAmdIsRejected(String kvm, boolean selfSnoop) {
        assertThat(platform(CpuVendor.AMD, kvm, selfSnoop, false).quirkProblems(true))
                .singleElement()
                .asString()
                .contains("AMD");
    }

    @Test
    void notStatingTheQuirkIsAlwaysFine() {
        assertThat(platform(CpuVendor.AMD, "6.16", false, false).quirkProblems(false))
                .isEmpty();
        assertThat(platform(CpuVendor.INTEL, "6.10", false, false).quirkProblems(false))
                .isEmpty();
    }

    @Test
    void quirkExistsOnlyOnIntelFrom616() {
        assertThat(platform(CpuVendor.INTEL, "6.16", true, true).hasIgnoreGuestPatQuirk())
                .isTrue();
        assertThat(platform(CpuVendor.INTEL, "6.15", true, true).hasIgnoreGuestPatQuirk())
                .isFalse();
        assertThat(platform(CpuVendor.AMD, "6.16", true, true).hasIgnoreGuestPatQuirk())
                .isFalse();
    }

    @Test
    void defaultsAreIntel616SelfSnoopWithBothQuirksOn() {
        KvmPlatform d = KvmPlatform.defaults();
        assertThat(d.cpu()).isEqualTo(CpuVendor.INTEL);
        assertThat(d.kvm()).isEqualTo(KvmVersion.of(6, 16));
        assertThat(d.selfSnoop()).isTrue();
        assertThat(d.ignoreGuestPatQuirk()).isTrue();
        assertThat(d.cdNwQuirk()).isTrue();
        assertThat(d.quirkProblems(true)).isEmpty();
    }
}
