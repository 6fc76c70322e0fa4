package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Kernel versions, their DOMAIN 2.2 era, and design-patch suffixes (DOMAIN 9). */
class KvmVersionTest {

    @ParameterizedTest(name = "DOMAIN 2.2: kvm {0} falls in era {1}")
    @CsvSource({
        "4.19, UP_TO_6_6",
        "5.6,  UP_TO_6_6",
        "6.6,  UP_TO_6_6",
        "6.7,  V6_7_TO_6_10",
        "6.10, V6_7_TO_6_10",
        "6.11, V6_11",
        "6.12, V6_12_TO_6_15",
        "6.15, V6_12_TO_6_15",
        "6.16, V6_16_ON",
        "6.19, V6_16_ON",
        "7.0,  V6_16_ON"
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
    @ValueSource(strings = {"", "6", "six.ten", "6.x", "v6.10", "6.10-rc1", "6.10+", "6.10 +kvm-mem-dma"})
    void badFormatIsRejectedWithAMessage(String text) {
        KvmVersion.Parsed p = KvmVersion.parse(text);
        assertThat(p).isInstanceOf(KvmVersion.Parsed.Invalid.class);
        assertThat(((KvmVersion.Parsed.Invalid) p).message()).isNotBlank();
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
    void stablePatchLevelIsAcceptedAndIgnored() {
        KvmVersion v = KvmVersion.of("6.12.5");
        assertThat(v).isEqualTo(KvmVersion.of(6, 12));
        assertThat(v.era()).isEqualTo(KvmEra.V6_12_TO_6_15);
        assertThat(v.toString()).isEqualTo("6.12");
    }

    @Test
    void ofThrowsOnInvalidText() {
        assertThatThrownBy(() -> KvmVersion.of("6.10+nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown design patch '+nope' in '6.10+nope'; allowed: " + DesignPatch.allowed());
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
}
