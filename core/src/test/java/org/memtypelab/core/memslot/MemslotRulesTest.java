package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.kvm.DesignPatch;
import org.memtypelab.core.kvm.KvmVersion;

/** Memslot limits and flags per kernel version and design patch (DOMAIN 3.1, 3.3, rules 19 and 21). */
class MemslotRulesTest {

    @ParameterizedTest(name = "DOMAIN rule 21: kvm {0} -> {1} slots, v2 ioctl {2}, guest_memfd {3}, KVM_MEM_DMA {4}")
    @CsvSource({
        "5.6, 509, false, false, false, false, 3",
        "5.11, 509, false, false, false, false, 3",
        "5.12, 32764, false, false, false, false, 3",
        "6.7, 32764, false, false, false, false, 3",
        "6.8, 32764, true, true, false, false, 3",
        "6.16, 32764, true, true, false, false, 3",
        "5.6+kvm-mem-dma, 509, false, false, true, false, 7",
        "6.12+kvm-mem-dma, 32764, true, false, true, false, 7",
        "5.6+dma-excludes-dirty-log, 509, false, false, true, true, 7",
        "5.6+slot-noncoherent, 509, false, false, true, false, 7",
        "6.12+slot-noncoherent, 32764, true, false, true, false, 7"
    })
    void rulesFollowTheKernel(
            String kernel, int slots, boolean v2, boolean gmem, boolean dma, boolean excludes, int v1Mask) {
        MemslotRules r = MemslotRules.forKernel(KvmVersion.of(kernel));
        assertThat(r.maxUserSlots()).isEqualTo(slots);
        assertThat(r.addressSpaces()).isEqualTo(2);
        assertThat(r.v2Ioctl()).isEqualTo(v2);
        assertThat(r.guestMemfd()).isEqualTo(gmem);
        assertThat(r.kvmMemDma()).isEqualTo(dma);
        assertThat(r.dmaExcludesDirtyLog()).isEqualTo(excludes);
        assertThat(r.v1FlagMask()).isEqualTo(v1Mask);
        assertThat(r.availableFlags().contains(MemslotFlag.GUEST_MEMFD)).isEqualTo(gmem);
        assertThat(r.availableFlags().contains(MemslotFlag.KVM_MEM_DMA)).isEqualTo(dma);
    }

    @Test
    void dmaExcludesDirtyLogImpliesKvmMemDmaEvenWithoutTheParser() {
        MemslotRules r = MemslotRules.forKernel(KvmVersion.of(5, 6, DesignPatch.DMA_EXCLUDES_DIRTY_LOG));
        assertThat(r.kvmMemDma()).isTrue();
        assertThat(r.dmaExcludesDirtyLog()).isTrue();
    }

    @Test
    void otherDesignPatchesLeaveTheMemslotAbiAlone() {
        MemslotRules plain = MemslotRules.forKernel(KvmVersion.of("6.12"));
        for (String p : new String[] {"honor-guest-pat", "inspect-hva", "slot-memtype"}) {
            assertThat(MemslotRules.forKernel(KvmVersion.of("6.12+" + p))).isEqualTo(plain);
        }
    }

    @Test
    void inconsistentRulesAreABug() {
        assertThatThrownBy(() -> new MemslotRules(509, 2, true, true, true, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KVM_MEM_DMA and GUEST_MEMFD share bit 2 (DOMAIN 3.1)");
        assertThatThrownBy(() -> new MemslotRules(509, 2, false, false, false, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dma-excludes-dirty-log is defined on top of KVM_MEM_DMA");
        assertThatThrownBy(() -> new MemslotRules(0x10001, 2, true, false, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot limits out of the u16 range: 65537, 2");
    }
}
