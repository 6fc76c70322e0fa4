package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.Placement;

/**
 * DOMAIN rule 28a (and 2.1, 4.3): from 5.13 until 6.13, and on the stable kernels carrying f8be156be163, KVM refuses
 * refcount-0 pages behind a VM_PFNMAP VMA (amdgpu/TTM tail pages), so KVM_RUN fails with EFAULT.
 */
class Rule28aPfnMapTest {

    static final long MIB2 = 2L << 20;

    static PfnMap.Answer gtt(String kvm) {
        return PfnMap.guestAccess(KvmVersion.of(kvm), Backing.PFNMAP_RAM, MIB2);
    }

    @ParameterizedTest(name = "DOMAIN rule 28a: kvm {0}, 2 MiB amdgpu gtt buffer -> KVM_RUN EFAULT")
    @ValueSource(
            strings = {
                "5.13",
                "5.15",
                "6.1",
                "6.6",
                "6.10",
                "6.11-rc3",
                "6.11",
                "6.12",
                "6.12.77",
                "6.12.78",
                // stable kernels that carry f8be156be163
                "5.12.14",
                "5.12.19",
                "5.10.47",
                "5.10.200",
                "5.4.129",
                "4.14.243",
                "4.9.298"
            })
    void rule28a_refcountZeroPfnmapPagesFaultFrom513Until613AndOnTheListedBackports(String kvm) {
        assertThat(gtt(kvm))
                .isInstanceOfSatisfying(
                        PfnMap.Answer.Faults.class,
                        f -> assertThat(f.witness())
                                .contains("EFAULT")
                                .contains("6.13")
                                .contains("DOMAIN rule 28a"));
    }

    @ParameterizedTest(name = "DOMAIN rule 28a: kvm {0}, 2 MiB amdgpu gtt buffer -> maps")
    @ValueSource(
            strings = {
                // fixed in 6.13 (8b15c3764c05, merge window: in -rc1)
                "6.13-rc1",
                "6.13",
                "6.13.5",
                "6.16",
                "7.0",
                // before f8be156be163: a release of 5.12 or earlier, or a listed stable series below its backport
                "5.12",
                "5.12.13",
                "5.10.46",
                "5.10",
                "5.4.128",
                "4.14.242",
                "4.9.297",
                "5.6",
                "4.19"
            })
    void rule28a_thePagesMapFrom613AndBeforeTheChange(String kvm) {
        assertThat(gtt(kvm)).isInstanceOf(PfnMap.Answer.Maps.class);
    }

    @ParameterizedTest(name = "DOMAIN rule 28a: kvm {0} (pre-5.13 without the change) maps with a note")
    @ValueSource(strings = {"5.12", "5.10.46", "5.6"})
    void rule28a_before513TheNoteSaysWhyItMaps(String kvm) {
        assertThat(gtt(kvm))
                .isInstanceOfSatisfying(
                        PfnMap.Answer.Maps.class, m -> assertThat(m.note()).contains("f8be156be163"));
    }

    @ParameterizedTest(name = "DOMAIN 2.2 [U]: kvm {0}, a stable series DOMAIN does not list -> unknown")
    @ValueSource(strings = {"4.19.100", "5.11.5", "4.4.300", "5.8.1"})
    void rule28a_anUnlistedStableSeriesBefore513IsUnknown(String kvm) {
        assertThat(gtt(kvm))
                .isInstanceOfSatisfying(
                        PfnMap.Answer.Unknown.class,
                        u -> assertThat(u.why())
                                .contains(KvmVersion.of(kvm).release())
                                .contains("f8be156be163"));
    }

    @ParameterizedTest(name = "DOMAIN 2.1: kvm {0}, a one-page PFNMAP buffer has no tail pages -> maps")
    @CsvSource({"6.10, 4096", "5.13, 1", "6.12.78, 4096"})
    void rule28a_aOnePageBufferHasNoTailPagesAndMaps(String kvm, long size) {
        assertThat(PfnMap.guestAccess(KvmVersion.of(kvm), Backing.PFNMAP_RAM, size))
                .isInstanceOf(PfnMap.Answer.Maps.class);
        assertThat(PfnMap.guestAccess(KvmVersion.of(kvm), Backing.PFNMAP_RAM, 4097))
                .isInstanceOf(PfnMap.Answer.Faults.class);
    }

    @ParameterizedTest(name = "DOMAIN 2.1, rule 28a: {0} never faults (no refcount-0 struct page)")
    @EnumSource(
            value = Backing.class,
            names = {"RAM", "MMIO"})
    void rule28a_refcountedRamAndMmioNeverFault(Backing backing) {
        // i915 shmem / udmabuf: ordinary refcounted order-0 pages; a VRAM BAR has no struct page at all
        for (String kvm : new String[] {"5.6", "5.13", "6.10", "6.12.78", "4.19.100", "6.16"}) {
            assertThat(PfnMap.guestAccess(KvmVersion.of(kvm), backing, MIB2))
                    .as("%s on %s", backing, kvm)
                    .isEqualTo(new PfnMap.Answer.Maps(""));
        }
    }

    @ParameterizedTest(name = "DOMAIN 2.1: placement {0} is backed by {1}")
    @CsvSource({
        "GTT_USWC, PFNMAP_RAM",
        "GTT_CACHED, PFNMAP_RAM",
        "SHMEM_WC, RAM",
        "SHMEM_LLC, RAM",
        "GUEST_RAM, RAM",
        "VRAM, MMIO"
    })
    void rule28a_onlyAmdgpuGttPlacementsHaveRefcountZeroTailPages(Placement placement, Backing backing) {
        assertThat(placement.profile().backing()).isEqualTo(backing);
        boolean faults =
                PfnMap.guestAccess(KvmVersion.of("6.10"), placement.profile().backing(), MIB2)
                        instanceof PfnMap.Answer.Faults;
        assertThat(faults).isEqualTo(backing == Backing.PFNMAP_RAM);
    }
}
