package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @ParameterizedTest(
            name = "DOMAIN rule 15: stating the quirk (enabled={2}) on Intel kvm {0}, self-snoop {1} is accepted")
    @CsvSource({
        "6.16, true,  false", // disabling it needs self-snoop
        "6.19, true,  false",
        "6.16, false, true", // leaving it enabled is fine with or without
        "6.16, true,  true"
    })
    void statingTheQuirkOn616OrLaterIsAccepted(String kvm, boolean selfSnoop, boolean quirk) {
        assertThat(platform(CpuVendor.INTEL, kvm, selfSnoop, quirk).quirkProblems(true))
                .isEmpty();
    }

    @ParameterizedTest(
            name = "DOMAIN rule 15: stating the quirk (enabled={3}) on {0} kvm {1}, self-snoop {2} is rejected: {4}")
    @CsvSource({
        "INTEL, 5.6,  true,  false, 6.16",
        "INTEL, 6.6,  true,  true,  6.16",
        "INTEL, 6.10, true,  false, 6.16",
        "INTEL, 6.11, true,  false, 6.16",
        "INTEL, 6.12, true,  true,  6.16",
        "INTEL, 6.15, true,  false, 6.16",
        "INTEL, 6.11-rc3, true, false, 6.12.78",
        "INTEL, 6.12.77, true, false, 6.12.78",
        "AMD,   6.16, false, true,  AMD",
        "AMD,   6.16, false, false, AMD",
        "AMD,   6.12.78, false, false, AMD",
        "AMD,   6.19, false, false, AMD",
        "AMD,   6.10, false, false, AMD"
    })
    void statingTheQuirkWhereItDoesNotExistIsRejected(
            CpuVendor cpu, String kvm, boolean selfSnoop, boolean quirk, String why) {
        assertThat(platform(cpu, kvm, selfSnoop, quirk).quirkProblems(true))
                .singleElement()
                .asString()
                .contains(why);
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
        assertThat(platform(CpuVendor.AMD, "6.16", false, true).hasIgnoreGuestPatQuirk())
                .isFalse();
    }

    @ParameterizedTest(name = "DOMAIN rule 15: Intel kvm {0} has the IGNORE_GUEST_PAT quirk: {1}")
    @CsvSource({
        "6.12, false",
        "6.12.1, false",
        "6.12.77, false",
        "6.12.78, true",
        "6.12.79, true",
        "6.13, false",
        "6.15, false",
        "6.16-rc1, true",
        "6.16, true",
        "6.11-rc3, false",
        "6.11.5, false"
    })
    void rule15_quirkExistsFrom616AndIn612yFrom61278(String kvm, boolean exists) {
        assertThat(platform(CpuVendor.INTEL, kvm, true, true).hasIgnoreGuestPatQuirk())
                .isEqualTo(exists);
    }

    @Test
    void rule15_disablingTheQuirkOn61278IsAcceptedOnlyOnSelfSnoopHostsAndOn61277Never() {
        assertThat(platform(CpuVendor.INTEL, "6.12.78", true, false).quirkProblems(true))
                .isEmpty();
        assertThat(platform(CpuVendor.INTEL, "6.12.78", false, false).quirkProblems(true))
                .singleElement()
                .asString()
                .contains("self-snoop");
        assertThat(platform(CpuVendor.INTEL, "6.12.77", true, false).quirkProblems(true))
                .singleElement()
                .asString()
                .contains("has no IGNORE_GUEST_PAT quirk")
                .contains("6.12.78");
        // disabled on 6.12.78: KVM honours the guest PAT on RAM and no longer may ignore it (no zap, rule 17)
        KvmPlatform off = platform(CpuVendor.INTEL, "6.12.78", true, false);
        assertThat(off.mayIgnoreGuestPat()).isFalse();
        assertThat(EptPolicy.decide(off, GuestPage.ram(org.memtypelab.core.memtype.MemType.WC))
                        .entry()
                        .ipat())
                .isFalse();
        assertThat(platform(CpuVendor.INTEL, "6.12.77", true, false).mayIgnoreGuestPat())
                .isTrue();
    }

    @Test
    void rule15a_selfSnoopDoesNotExistOnAmd() {
        assertThatThrownBy(() -> platform(CpuVendor.AMD, "6.16", true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Intel")
                .hasMessageContaining("rule 15a");
        assertThat(KvmPlatform.defaultSelfSnoop(CpuVendor.AMD)).isFalse();
        assertThat(KvmPlatform.defaultSelfSnoop(CpuVendor.INTEL)).isTrue();
        // and AMD never ignores guest PAT, so nothing is judged through self-snoop there (rule 15, DOMAIN 2.3)
        assertThat(platform(CpuVendor.AMD, "6.16", false, true).mayIgnoreGuestPat())
                .isFalse();
        assertThat(platform(CpuVendor.AMD, "6.11-rc3", false, true).mayIgnoreGuestPat())
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
