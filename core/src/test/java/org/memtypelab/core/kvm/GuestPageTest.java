package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.memtype.MemType;

/** What one guest page knows about its VM, written from docs/domain.md rule 16 and section 4.1. */
class GuestPageTest {

    @ParameterizedTest(
            name = "DOMAIN rule 16 / 4.1: VFIO non-coherent {0}, KVM_MEM_DMA slot {1} -> VM non-coherent {2}")
    @CsvSource({"false, false, false", "true, false, true", "false, true, true", "true, true, true"})
    void aKvmMemDmaSlotMakesTheWholeVmNonCoherent(boolean vfioNoncoherent, boolean kvmMemDmaSlot, boolean expected) {
        GuestPage page = new GuestPage(
                false,
                MemType.WC,
                MemType.WB,
                false,
                vfioNoncoherent,
                new GuestPage.Slot(MemType.WB, kvmMemDmaSlot, false, Optional.empty(), false, MemType.WB));

        assertThat(page.noncoherentDma()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "DOMAIN rule 16: kvm 6.10+kvm-mem-dma, guest {0} in a KVM_MEM_DMA slot -> IPAT off")
    @CsvSource({"WC", "UC", "WB"})
    void aPageInAKvmMemDmaSlotGetsTheNonCoherentEptEntry(MemType guestPat) {
        KvmPlatform p = new KvmPlatform(
                CpuVendor.INTEL,
                ((KvmVersion.Parsed.Ok) KvmVersion.parse("6.10+kvm-mem-dma")).version(),
                true,
                true,
                true);
        GuestPage plain = GuestPage.ram(guestPat);
        GuestPage inSlot = plain.withSlot(MemType.WB, true, false, Optional.empty());

        assertThat(GuestMemtype.resolve(p, plain).ept().orElseThrow().ipat())
                .as("DOMAIN rule 10: coherent RAM on 6.10 -> IPAT, the guest PAT is ignored")
                .isTrue();
        assertThat(GuestMemtype.resolve(p, inSlot).ept().orElseThrow().ipat())
                .as("non-coherent DMA: KVM does not set IPAT, the guest's PAT counts")
                .isFalse();
    }
}
