package org.memtypelab.core.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.memtype.MemType;

/** SCENARIOS.md "Placements by driver" (DOMAIN 6.2, rules 30, 31, 35). */
class PlacementTest {

    @ParameterizedTest(name = "{0} {1}: backing {2}, dma-buf mmap {3}, renderer {4}, gpu {5}")
    @CsvSource({
        // DOMAIN 2.1, rule 28a: amdgpu/TTM GTT pages sit behind a VM_PFNMAP VMA, their tail pages have refcount 0
        "amdgpu,             gtt-uswc,   PFNMAP_RAM, WC,   WC, NO_SNOOP",
        "amdgpu,             gtt-cached, PFNMAP_RAM, WB,   WB, SNOOP",
        "amdgpu,             vram,       MMIO, WC,   WC, DEVICE_LOCAL",
        "i915,               shmem-llc,  RAM,  WB,   WB, SNOOP",
        "i915,               shmem-wc,   RAM,  WB,   WC, NO_SNOOP",
        "i915,               lmem,       MMIO, WC,   WC, DEVICE_LOCAL",
        "udmabuf,            guest-ram,  RAM,  WB,   WB, SNOOP",
        "nvidia-proprietary, vidmem,     MMIO, none, WC, DEVICE_LOCAL",
        "nvidia-open,        vidmem,     MMIO, none, WC, DEVICE_LOCAL"
    })
    void placementTable(
            String driver, String placement, Backing backing, String mmap, MemType renderer, GpuSnoop snoop) {
        Driver d = Driver.parse(driver).orElseThrow();
        Placement p = Placement.parse(placement).orElseThrow();
        assertThat(d.placements()).contains(p);
        assertThat(p.drivers()).contains(d);
        assertThat(p.label()).isEqualTo(placement);
        BufferProfile profile = p.profile();
        assertThat(profile.backing()).isEqualTo(backing);
        assertThat(profile.dmabufMmap()).isEqualTo(mmap.equals("none") ? Optional.empty() : MemType.parse(mmap));
        assertThat(profile.rendererMap()).isEqualTo(renderer);
        assertThat(profile.gpuSnoop()).isEqualTo(snoop);
    }

    @Test
    void eachDriverOffersExactlyItsPlacements() {
        assertThat(Driver.AMDGPU.placements())
                .containsExactly(Placement.GTT_USWC, Placement.GTT_CACHED, Placement.VRAM);
        assertThat(Driver.I915.placements()).containsExactly(Placement.SHMEM_LLC, Placement.SHMEM_WC, Placement.LMEM);
        assertThat(Driver.UDMABUF.placements()).containsExactly(Placement.GUEST_RAM);
        assertThat(Driver.NVIDIA_PROPRIETARY.placements()).containsExactly(Placement.VIDMEM);
        assertThat(Driver.NVIDIA_OPEN.placements()).containsExactly(Placement.VIDMEM);
        assertThat(Placement.allowedFor(Driver.I915)).isEqualTo("shmem-llc, shmem-wc, lmem");
    }

    @Test
    void onlyTheUdmabufPlacementIsGuestRam() {
        // rule 32: a 2D blob is guest RAM; amdgpu gtt-cached and i915 shmem-llc share its types but are GPU memory
        for (Placement p : Placement.values()) {
            assertThat(p.profile().guestRam()).as("%s", p).isEqualTo(p == Placement.GUEST_RAM);
        }
        assertThat(new BufferProfile(Backing.RAM, Optional.of(MemType.WB), MemType.WB, GpuSnoop.SNOOP).guestRam())
                .as("explicitly stated properties describe a GPU buffer")
                .isFalse();
    }

    @ParameterizedTest(name = "rules 30, 31: renderer maps {0} -> map_info gives the guest {1}")
    @CsvSource({"WB, WB", "WC, WC", "UC, WC", "WT, WC"})
    void guestTypeFromMapInfoIsWbOnlyForCachedBuffers(MemType renderer, MemType guest) {
        BufferProfile p = new BufferProfile(Backing.RAM, Optional.of(MemType.WB), renderer, GpuSnoop.SNOOP);
        assertThat(p.guestTypeFromMapInfo()).isEqualTo(guest);
    }

    @Test
    void namesParseCaseInsensitivelyAndRejectUnknowns() {
        assertThat(Driver.parse(" NVIDIA-Proprietary ")).contains(Driver.NVIDIA_PROPRIETARY);
        assertThat(Driver.parse("radeon")).isEmpty();
        assertThat(Driver.parse(null)).isEmpty();
        assertThat(Driver.allowed()).isEqualTo("amdgpu, i915, nvidia-proprietary, nvidia-open, udmabuf");
        assertThat(Placement.parse("GTT-USWC")).contains(Placement.GTT_USWC);
        assertThat(Placement.parse("gtt")).isEmpty();
    }
}
