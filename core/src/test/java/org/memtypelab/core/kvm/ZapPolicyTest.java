package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.kvm.ZapPolicy.Zap;

/** DOMAIN 2.4, rules 17, 18 and 25: which events zap SPTEs so memtypes are recomputed. */
class ZapPolicyTest {

    static KvmPlatform intel(String kvm, boolean selfSnoop, boolean quirk) {
        return new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(kvm), selfSnoop, quirk, true);
    }

    @ParameterizedTest(
            name = "DOMAIN rule 17: kvm {0} self-snoop {1} quirk {2} -> non-coherent DMA transition zaps {3}")
    @CsvSource({
        "5.6,  false, true,  NONE",
        "5.6,  true,  true,  NONE",
        "6.6,  false, true,  NONE",
        "6.6,  true,  false, NONE",
        "6.7,  false, true,  ALL",
        "6.7,  true,  true,  ALL",
        "6.10, false, true,  ALL",
        "6.10, true,  false, ALL",
        // 6.11-rc1 ... rc7: kvm_mmu_may_ignore_guest_pat() = !SELFSNOOP (377b2f359d1f)
        "6.11-rc1, false, true,  ALL",
        "6.11-rc3, true,  true,  NONE",
        "6.11-rc7, true,  false, NONE",
        // 6.11 final - 6.15 (incl. 6.12.0 - 6.12.77): whenever EPT is on (shadow_memtype_mask), self-snoop or not
        "6.11, false, true,  ALL",
        "6.11, true,  true,  ALL",
        "6.11.5, true,  true,  ALL",
        "6.12.77, true,  false, ALL",
        // 6.12.78+: the quirk decides, as in 6.16+
        "6.12.78, true,  true,  ALL",
        "6.12.78, true,  false, NONE",
        "6.12, false, true,  ALL",
        "6.12, true,  true,  ALL",
        "6.15, false, true,  ALL",
        "6.15, true,  true,  ALL",
        "6.16, true,  true,  ALL",
        "6.16, true,  false, NONE",
        "6.16, false, true,  ALL",
        "6.19, true,  true,  ALL",
        "6.19, true,  false, NONE"
    })
    void rule17_noncoherentDmaTransitionZapsAllSptesIffKvmMayIgnoreGuestPat(
            String kvm, boolean selfSnoop, boolean quirk, Zap expected) {
        ZapPolicy.Answer a = ZapPolicy.noncoherentDmaTransition(intel(kvm, selfSnoop, quirk));
        assertThat(a.zap()).isEqualTo(expected);
        assertThat(a.because()).contains("DOMAIN");
    }

    @Test
    void before67TheReasonSaysStaleMemtypesPersist() {
        ZapPolicy.Answer a = ZapPolicy.noncoherentDmaTransition(intel("6.6", false, true));
        assertThat(a.because()).contains("DOMAIN rule 17");
    }

    @ParameterizedTest(name = "DOMAIN 2.4: kvm {0} may ignore guest PAT on self-snoop {1} quirk {2}: {3}")
    @CsvSource({
        "6.10, true,  true,  true",
        "6.11-rc3, true,  true,  false",
        "6.11-rc3, false, true,  true",
        "6.11, true,  true,  true",
        "6.11, false, true,  true",
        "6.11.5, true,  true,  true",
        "6.12, true,  true,  true",
        "6.12.77, true,  false, true",
        "6.12.78, true,  false, false",
        "6.12.78, true,  true,  true",
        "6.16, true,  false, false",
        "6.16, true,  true,  true"
    })
    void rules14And15_mayIgnoreGuestPatFollowsTheEra(String kvm, boolean selfSnoop, boolean quirk, boolean expected) {
        assertThat(intel(kvm, selfSnoop, quirk).mayIgnoreGuestPat()).isEqualTo(expected);
    }

    @Test
    void amdNeverZapsOnNoncoherentDmaTransitions() {
        // DOMAIN 1.5: shadow_memtype_mask = 0 for NPT, there is no memtype to recompute.
        for (String kvm : new String[] {"5.6", "6.7", "6.11", "6.16"}) {
            KvmPlatform amd = new KvmPlatform(CpuVendor.AMD, KvmVersion.of(kvm), false, true, true);
            assertThat(ZapPolicy.noncoherentDmaTransition(amd).zap()).isEqualTo(Zap.NONE);
        }
    }

    @ParameterizedTest(name = "DOMAIN rule 25: kvm {0}, toggling dirty logging never changes memtype")
    @ValueSource(strings = {"5.6", "6.6", "6.7", "6.10", "6.11", "6.12", "6.15", "6.16", "6.19", "5.6+kvm-mem-dma"})
    void dirtyLogToggleNeverZapsForMemtype(String kvm) {
        for (boolean selfSnoop : new boolean[] {false, true}) {
            for (boolean quirk : new boolean[] {false, true}) {
                for (boolean slotKvmMemDma : new boolean[] {false, true}) {
                    ZapPolicy.Answer a = ZapPolicy.dirtyLogToggle(intel(kvm, selfSnoop, quirk), slotKvmMemDma);
                    assertThat(a.zap()).isEqualTo(Zap.NONE);
                    assertThat(a.because()).contains("DOMAIN rule 25");
                }
            }
        }
        KvmPlatform amd = new KvmPlatform(CpuVendor.AMD, KvmVersion.of(kvm), false, true, true);
        assertThat(ZapPolicy.dirtyLogToggle(amd, false).zap()).isEqualTo(Zap.NONE);
    }

    @Test
    void dmaExcludesDirtyLogZapsTheKvmMemDmaSlotOnDirtyLogToggle() {
        // DOMAIN 9 option 6: on migration start force WB and zap.
        KvmPlatform p = intel("5.6+dma-excludes-dirty-log", false, true);
        assertThat(ZapPolicy.dirtyLogToggle(p, true).zap()).isEqualTo(Zap.SLOT);
        assertThat(ZapPolicy.dirtyLogToggle(p, false).zap()).isEqualTo(Zap.NONE);
    }

    @ParameterizedTest(name = "DOMAIN 2.4: kvm {0} guest CR0.CD/MTRR change with non-coherent DMA {1} zaps: {2}")
    @CsvSource({
        "6.7,  true,  true",
        "6.7,  false, false",
        "6.10, true,  true",
        "6.10, false, false",
        "6.11-rc3, true,  false",
        "6.11, true,  false",
        "6.12, true,  false",
        "6.12.78, true,  false",
        "6.16, true,  false"
    })
    void guestCacheControlChangesZapOnlyWhileGuestMtrrsAreHonoured(String kvm, boolean noncoherent, boolean zaps) {
        ZapPolicy.Answer a = ZapPolicy.guestCacheControlChange(intel(kvm, true, true), noncoherent);
        assertThat(a.zap() != Zap.NONE).isEqualTo(zaps);
    }

    @ParameterizedTest(name = "DOMAIN 2.4: kvm {0} guest CR0.CD/MTRR change with non-coherent DMA {1}: not recorded")
    @CsvSource({"5.6, true", "5.6, false", "6.6, true"})
    void rule11_before67WhetherAGuestCacheControlChangeZapsIsUnknown(String kvm, boolean noncoherent) {
        // DOMAIN 2.4 verifies the CR0.CD / MTRR zap only from 6.7 (7a18c7c2b69a, 9a3768191d95)
        ZapPolicy.Answer a = ZapPolicy.guestCacheControlChange(intel(kvm, false, true), noncoherent);
        assertThat(a.zap()).isEqualTo(Zap.UNKNOWN);
        assertThat(a.because()).contains("DOMAIN 2.4");
    }

    @ParameterizedTest(name = "DOMAIN 2.4: kvm {0} guest CR0.CD/MTRR change with non-coherent DMA {1} zaps {2}")
    @CsvSource({"6.7, true, ALL", "6.8, true, ALL", "6.10, true, ALL", "6.8, false, NONE", "6.11, true, NONE"})
    void rule12_from67ACacheControlChangeZapsAllSptesIffGuestMtrrsAreHonoured(
            String kvm, boolean noncoherent, Zap expected) {
        assertThat(ZapPolicy.guestCacheControlChange(intel(kvm, false, true), noncoherent)
                        .zap())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "DOMAIN 1.5, rule 6a: AMD kvm {0}: a guest CR0.CD/MTRR change zaps nothing")
    @ValueSource(strings = {"5.6", "6.8", "6.12", "6.16"})
    void rule6a_amdNeverZapsOnAGuestCacheControlChange(String kvm) {
        KvmPlatform amd = new KvmPlatform(CpuVendor.AMD, KvmVersion.of(kvm), false, true, true);
        for (boolean noncoherent : new boolean[] {false, true}) {
            ZapPolicy.Answer a = ZapPolicy.guestCacheControlChange(amd, noncoherent);
            assertThat(a.zap()).isEqualTo(Zap.NONE);
            assertThat(a.because()).contains("rule 6a");
        }
    }
}
