package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Kernel versions, their DOMAIN 2.2 era, and design-patch suffixes (DOMAIN 9). */
class KvmVersionTest {

    @ParameterizedTest(name = "DOMAIN 2.2, rules 14, 15: kvm {0} falls in era {1}")
    @CsvSource({
        "4.19, UP_TO_6_6",
        "5.6,  UP_TO_6_6",
        "6.6,  UP_TO_6_6",
        "6.7,  V6_7_TO_6_10",
        "6.10, V6_7_TO_6_10",
        "6.11-rc1, V6_11_RC",
        "6.11-rc7, V6_11_RC",
        "6.11, V6_11_TO_6_15",
        "6.11.5, V6_11_TO_6_15",
        "6.12, V6_11_TO_6_15",
        "6.12.77, V6_11_TO_6_15",
        "6.12.78, QUIRK",
        "6.12.100, QUIRK",
        "6.13, V6_11_TO_6_15",
        "6.15, V6_11_TO_6_15",
        "6.16-rc1, QUIRK",
        "6.16, QUIRK",
        "6.19, QUIRK",
        "7.0,  QUIRK"
    })
    void eraBoundariesFollowTheDomainTable(String version, KvmEra era) {
        assertThat(KvmVersion.of(version).era()).isEqualTo(era);
        assertThat(KvmEra.of(KvmVersion.of(version))).isEqualTo(era);
    }

    @Test
    void parsesADesignPatchSuffix() {
        KvmVersion.Parsed p = KvmVersion.parse("5.6+kvm-mem-dma");
        assertThat(p).isInstanceOf(KvmVersion.Parsed.Ok.class);
        KvmVersion v = ((KvmVersion.Parsed.Ok) p).version();
        assertThat(v.major()).isEqualTo(5);
        assertThat(v.minor()).isEqualTo(6);
        assertThat(v.patches()).containsExactly(DesignPatch.KVM_MEM_DMA);
        assertThat(v.has(DesignPatch.KVM_MEM_DMA)).isTrue();
        assertThat(v.era()).isEqualTo(KvmEra.UP_TO_6_6);
        assertThat(v.toString()).isEqualTo("5.6+kvm-mem-dma");
    }

    @Test
    void parsesSeveralDesignPatches() {
        KvmVersion v = KvmVersion.of("6.10+honor-guest-pat+slot-memtype");
        assertThat(v.patches()).containsExactlyInAnyOrder(DesignPatch.HONOR_GUEST_PAT, DesignPatch.SLOT_MEMTYPE);
    }

    @Test
    void dmaExcludesDirtyLogImpliesKvmMemDma() {
        // DOMAIN 9 option 6 is KVM_MEM_DMA combined with dirty logging.
        KvmVersion v = KvmVersion.of("5.6+dma-excludes-dirty-log");
        assertThat(v.has(DesignPatch.DMA_EXCLUDES_DIRTY_LOG)).isTrue();
        assertThat(v.has(DesignPatch.KVM_MEM_DMA)).isTrue();
    }

    @Test
    void unknownSuffixIsRejectedWithTheAllowedList() {
        KvmVersion.Parsed p = KvmVersion.parse("6.10+bogus");
        assertThat(p).isInstanceOf(KvmVersion.Parsed.Invalid.class);
        String msg = ((KvmVersion.Parsed.Invalid) p).message();
        assertThat(msg).contains("bogus");
        for (DesignPatch d : DesignPatch.values()) {
            assertThat(msg).contains(d.suffix());
        }
    }

    @ParameterizedTest(name = "''{0}'' is not a kernel version")
    @ValueSource(
            strings = {
                "",
                "6",
                "six.ten",
                "6.x",
                "v6.10",
                "6.10+",
                "6.10 +kvm-mem-dma",
                "6.11-rc",
                "6.11-rc0",
                "6.12.78-rc1",
                "6.11.rc3",
                "6.12.1.2"
            })
    void badFormatIsRejectedNamingTheAcceptedForms(String text) {
        KvmVersion.Parsed p = KvmVersion.parse(text);
        assertThat(p).isInstanceOf(KvmVersion.Parsed.Invalid.class);
        assertThat(((KvmVersion.Parsed.Invalid) p).message()).contains("6.12.78", "6.11-rc3");
    }

    @Test
    void oversizedNumbersAreRejectedNotThrown() {
        assertThat(KvmVersion.parse("99999999999.1")).isInstanceOf(KvmVersion.Parsed.Invalid.class);
        assertThat(KvmVersion.parse("6.99999999999")).isInstanceOf(KvmVersion.Parsed.Invalid.class);
    }

    @Test
    void nullIsRejectedNotThrown() {
        assertThat(KvmVersion.parse(null)).isInstanceOf(KvmVersion.Parsed.Invalid.class);
    }

    @Test
    void stablePatchLevelIsKeptNotIgnored() {
        // DOMAIN 2.2 version strings: 6.12.78 has the quirk, 6.12.77 does not, "6.12" means 6.12.0
        KvmVersion v = KvmVersion.of("6.12.78");
        assertThat(v).isNotEqualTo(KvmVersion.of(6, 12));
        assertThat(v.patch()).isEqualTo(78);
        assertThat(v.toString()).isEqualTo("6.12.78");
        assertThat(KvmVersion.of("6.12")).isEqualTo(KvmVersion.of("6.12.0")).isEqualTo(KvmVersion.of(6, 12));
        assertThat(KvmVersion.of("6.12.0").toString()).isEqualTo("6.12");
    }

    @Test
    void releaseCandidatesAreKept() {
        KvmVersion v = KvmVersion.of("6.11-rc3+honor-guest-pat");
        assertThat(v.rc()).isEqualTo(3);
        assertThat(v.releaseCandidate()).isTrue();
        assertThat(v.toString()).isEqualTo("6.11-rc3+honor-guest-pat");
        assertThat(v.release()).isEqualTo("6.11-rc3");
    }

    @Test
    void versionsOrderAsDomainSays() {
        // DOMAIN 2.2: 6.11-rcN < 6.11 < 6.11.y < 6.12-rc1
        assertThat(KvmVersion.of("6.11-rc3"))
                .isGreaterThan(KvmVersion.of("6.11-rc1"))
                .isLessThan(KvmVersion.of("6.11"));
        assertThat(KvmVersion.of("6.11")).isLessThan(KvmVersion.of("6.11.1"));
        assertThat(KvmVersion.of("6.11.200")).isLessThan(KvmVersion.of("6.12-rc1"));
        assertThat(KvmVersion.of("6.12.77")).isLessThan(KvmVersion.of("6.12.78"));
    }

    @Test
    void clashingReadingsOfOneOptionAreRejected() {
        assertThat(KvmVersion.parse("6.10+inspect-hva+force-host-type")).isInstanceOf(KvmVersion.Parsed.Invalid.class);
        assertThat(KvmVersion.parse("6.10+dmabuf-slot-guest-type+dmabuf-slot-exporter-type"))
                .isInstanceOf(KvmVersion.Parsed.Invalid.class);
        assertThat(KvmVersion.parse("6.10+slot-noncoherent+kvm-mem-dma")).isInstanceOf(KvmVersion.Parsed.Invalid.class);
    }

    @Test
    void ofThrowsOnInvalidText() {
        assertThatThrownBy(() -> KvmVersion.of("6.10+nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown design option '+nope' in '6.10+nope'; allowed: " + DesignPatch.allowed());
    }

    @Test
    void comparisonsUseMajorThenMinor() {
        KvmVersion v = KvmVersion.of(6, 10);
        assertThat(v.atLeast(6, 10)).isTrue();
        assertThat(v.atLeast(6, 11)).isFalse();
        assertThat(v.atMost(6, 10)).isTrue();
        assertThat(v.atMost(6, 9)).isFalse();
        assertThat(KvmVersion.of(7, 0).atLeast(6, 16)).isTrue();
        assertThat(KvmVersion.of(5, 19).atMost(6, 6)).isTrue();
        assertThat(KvmVersion.of(6, 9)).isLessThan(KvmVersion.of(6, 10));
    }

    @Test
    void versionStringsSortAsDomainSays() {
        // DOMAIN 2.2 version strings: 6.11-rcN < 6.11 < 6.11.y < 6.12-rc1, and likewise for every series
        List<String> ordered = List.of(
                "5.10.46",
                "5.10.47",
                "5.12",
                "5.12.13",
                "5.12.14",
                "5.13-rc1",
                "5.13",
                "6.11-rc1",
                "6.11-rc3",
                "6.11-rc7",
                "6.11",
                "6.11.1",
                "6.11.5",
                "6.11.200",
                "6.12-rc1",
                "6.12",
                "6.12.77",
                "6.12.78",
                "6.13-rc1",
                "6.13",
                "6.16");
        List<KvmVersion> shuffled =
                new ArrayList<>(ordered.stream().map(KvmVersion::of).toList());
        Collections.shuffle(shuffled, new Random(7));
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(KvmVersion::release).containsExactlyElementsOf(ordered);
    }

    @ParameterizedTest(name = "''{0}'' is rejected with the accepted forms")
    @ValueSource(strings = {"6.12.x", "6.11-rc", "latest", "6.12.78.1"})
    void malformedInputGetsAMessageNamingTheAcceptedForms(String text) {
        KvmVersion.Parsed p = KvmVersion.parse(text);
        assertThat(p).isInstanceOf(KvmVersion.Parsed.Invalid.class);
        assertThat(((KvmVersion.Parsed.Invalid) p).message()).contains(KvmVersion.ACCEPTED_FORMS);
    }
}
