package org.memtypelab.core.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.memtype.MemType;

/** The GPU process: renderer mappings with the driver's type, exports, and DMA that snoops or not (DOMAIN 6). */
class GpuProcessModelTest {

    static final long SIZE = 2L << 20;

    @Test
    void allocateMapsTheBufferForTheRendererWithTheDriversType() {
        GpuProcessModel gpu = new GpuProcessModel();
        Outcome o = gpu.allocate("b0", SIZE, Placement.SHMEM_WC.profile());
        assertThat(o.ok()).isTrue();
        assertThat(o.observations())
                .containsExactly(new Observation.MappingSet(
                        new Mapping("b0", Who.RENDERER, new MappingType.Cpu(MemType.WC), true)));
        assertThat(gpu.has("b0")).isTrue();
        assertThat(gpu.allocate("b0", SIZE, Placement.SHMEM_WC.profile()).ok()).isFalse();
    }

    @Test
    void exportCarriesTheProfileToQemu() {
        GpuProcessModel gpu = new GpuProcessModel();
        gpu.allocate("b0", SIZE, Placement.GTT_USWC.profile());
        assertThat(gpu.export("b0")).contains(new DmaBuf("b0", SIZE, Placement.GTT_USWC.profile()));
        assertThat(gpu.export("nope")).isEmpty();
    }

    @ParameterizedTest(name = "{0}: the GPU's DMA snoops: {1}")
    @CsvSource({
        "GTT_USWC, false",
        "GTT_CACHED, true",
        "VRAM, false",
        "SHMEM_LLC, true",
        "SHMEM_WC, false",
        "GUEST_RAM, true",
        "VIDMEM, false"
    })
    void gpuAccessAnnouncesItsDmaMappingOnceThenAccesses(Placement p, boolean snoop) {
        GpuProcessModel gpu = new GpuProcessModel();
        gpu.allocate("b0", SIZE, p.profile());
        MappingType.Dma dma = new MappingType.Dma(snoop);
        Outcome first = gpu.gpuAccess("b0", false, 0, 0);
        assertThat(first.observations())
                .containsExactly(
                        new Observation.MappingSet(new Mapping("b0", Who.GPU, dma, true)),
                        new Observation.Access("b0", Who.GPU, dma, false, 0, 0));
        Outcome second = gpu.gpuAccess("b0", true, 8, 0x5a);
        assertThat(second.observations()).containsExactly(new Observation.Access("b0", Who.GPU, dma, true, 8, 0x5a));
        assertThat(gpu.mappings())
                .containsExactly(
                        new Mapping(
                                "b0",
                                Who.RENDERER,
                                new MappingType.Cpu(p.profile().rendererMap()),
                                true),
                        new Mapping("b0", Who.GPU, dma, true));
    }

    @Test
    void accessesOutsideTheBufferOrToUnknownBuffersFail() {
        GpuProcessModel gpu = new GpuProcessModel();
        gpu.allocate("b0", SIZE, Placement.GTT_USWC.profile());
        assertThat(gpu.gpuAccess("b0", false, SIZE, 0).ok()).isFalse();
        assertThat(gpu.gpuAccess("b0", false, -1, 0).ok()).isFalse();
        assertThat(gpu.gpuAccess("b1", false, 0, 0).ok()).isFalse();
        assertThat(gpu.rendererAccess("b0", false, SIZE, 0).ok()).isFalse();
        assertThat(gpu.rendererAccess("b1", false, 0, 0).ok()).isFalse();
    }

    @Test
    void rendererAccessGoesThroughTheRendererMapping() {
        GpuProcessModel gpu = new GpuProcessModel();
        gpu.allocate("b0", SIZE, Placement.GTT_CACHED.profile());
        assertThat(gpu.rendererAccess("b0", true, 3, 0xab).observations())
                .containsExactly(
                        new Observation.Access("b0", Who.RENDERER, new MappingType.Cpu(MemType.WB), true, 3, 0xab));
        assertThat(gpu.mappings()).extracting(Mapping::who).containsExactly(Who.RENDERER);
    }

    @Test
    void saveExportedSavesOnlyExportedBuffers() {
        // DOMAIN 9 option 7: blob contents are GPU state the GPU process saves
        GpuProcessModel gpu = new GpuProcessModel();
        gpu.allocate("b0", SIZE, Placement.GTT_USWC.profile());
        gpu.allocate("b1", SIZE, Placement.GTT_USWC.profile());
        gpu.export("b1");
        Outcome o = gpu.saveExported();
        assertThat(o.ok()).isTrue();
        assertThat(o.detail()).contains("1 blob").contains("b1").doesNotContain("b0");
        assertThat(o.observations()).isEmpty();
        assertThat(Optional.of(gpu.has("b0"))).contains(true);
    }
}
