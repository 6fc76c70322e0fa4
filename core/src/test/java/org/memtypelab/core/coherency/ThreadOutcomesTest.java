package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.coherency.NodeRig.hazards;
import static org.memtypelab.core.coherency.NodeRig.intel;
import static org.memtypelab.core.coherency.NodeRig.mapping;
import static org.memtypelab.core.coherency.NodeRig.qemu;
import static org.memtypelab.core.coherency.Who.GPU;
import static org.memtypelab.core.coherency.Who.GUEST;
import static org.memtypelab.core.coherency.Who.QEMU;
import static org.memtypelab.core.coherency.Who.RENDERER;
import static org.memtypelab.core.qemu.QemuConfig.BlobAccess.KVM_ONLY;
import static org.memtypelab.core.qemu.QemuConfig.BlobAccess.QEMU_READS;
import static org.memtypelab.core.qemu.QemuConfig.GpuMode.IN_PROCESS;
import static org.memtypelab.core.qemu.QemuConfig.GpuMode.VHOST_USER_GPU;
import static org.memtypelab.core.qemu.QemuConfig.ImportMode.DMABUF_MMAP;
import static org.memtypelab.core.qemu.QemuConfig.ImportMode.VK_MAP_MEMORY;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.coherency.CoherencyLedger.Report;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.BlobSlot;

/**
 * DOMAIN 9's predicted outcomes, end to end through the GPU process, QEMU and KVM models (no actors), every outcome
 * fed to the coherency ledger as one step.
 */
class ThreadOutcomesTest {

    static final long GPA = 0x1_0000_0000L;

    /** allocate, export, map-blob, guest-map (map_info), guest-write 0xab, gpu-read, renderer read. */
    static Report motivatingRun(NodeRig rig, Placement placement) {
        rig.allocate("b0", placement.profile());
        rig.exportAndMap("b0", GPA, 0).orElseThrow();
        rig.guestMap("b0", Optional.empty());
        rig.guestWrite("b0", 0xab);
        rig.gpuRead("b0");
        rig.rendererRead("b0");
        return rig.report();
    }

    @Test
    void option0AmdgpuUswcOnKvm610GuestWbAgainstRendererAndQemuWc() {
        NodeRig rig = new NodeRig(intel("6.10", false), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        Report r = motivatingRun(rig, Placement.GTT_USWC);

        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type())
                .isEqualTo(new MappingType.Guest(MemType.WB, new Ept.Entry(MemType.WB, true)));
        assertThat(hazards(r, GUEST, RENDERER)).singleElement().satisfies(h -> {
            assertThat(h.types()).containsExactly("WB", "WC");
            assertThat(h.kind()).isEqualTo(Hazard.Kind.MEMTYPE_ALIAS);
            assertThat(h.witness())
                    .endsWith("guest write 0xab stayed in the CPU cache; renderer read 0x00")
                    .startsWith("observed at step");
        });
        assertThat(hazards(r, GUEST, QEMU)).singleElement().satisfies(h -> {
            assertThat(h.types()).containsExactly("WB", "WC");
            assertThat(h.kind()).isEqualTo(Hazard.Kind.MEMTYPE_ALIAS);
        });
        // G's dirty lines are invisible to non-snooping D: the thread's corruption
        assertThat(hazards(r, GUEST, GPU)).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(Hazard.Kind.NON_SNOOPED_DMA);
            assertThat(h.witness()).endsWith("guest write 0xab stayed in the CPU cache; gpu read 0x00");
        });
        assertThat(hazards(r, QEMU, RENDERER)).isEmpty();
    }

    @Test
    void option8KvmOnlyBlobAccessLeavesOnlyGuestAgainstRendererAndGpu() {
        NodeRig rig = new NodeRig(intel("6.10", false), qemu(IN_PROCESS, DMABUF_MMAP, KVM_ONLY));
        Report r = motivatingRun(rig, Placement.GTT_USWC);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.hazards())
                .extracting(Hazard::between)
                .containsExactlyInAnyOrder(List.of(GUEST, RENDERER), List.of(GUEST, GPU));
        assertThat(mapping(r, "b0", QEMU).orElseThrow().dereferenced()).isFalse();
    }

    @Test
    void kvm611OnASelfSnoopCpuHonoursTheGuestWcAndIsConsistent() {
        NodeRig rig = new NodeRig(intel("6.11", true), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        Report r = motivatingRun(rig, Placement.GTT_USWC);
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type())
                .isEqualTo(new MappingType.Guest(MemType.WC, new Ept.Entry(MemType.WB, false)));
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(r.hazards()).isEmpty();
    }

    @Test
    void kvm611WithoutSelfSnoopStillIgnoresGuestPat() {
        NodeRig rig = new NodeRig(intel("6.11", false), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        Report r = motivatingRun(rig, Placement.GTT_USWC);
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type().label()).isEqualTo("WB");
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
    }

    @Test
    void vramBarWithGuestWcMatchesTheRenderer() {
        // rule 9: is_mmio -> EPT UC without IPAT, guest PAT WC -> WC; even on 6.10 without self-snoop
        NodeRig rig = new NodeRig(intel("6.10", false), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        Report r = motivatingRun(rig, Placement.VRAM);
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type())
                .isEqualTo(new MappingType.Guest(MemType.WC, new Ept.Entry(MemType.UC, false)));
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    @Test
    void vramBarWithGuestWbIsUncachedAndOnlyABenignAlias() {
        NodeRig rig = new NodeRig(intel("6.10", false), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        rig.allocate("b0", Placement.VRAM.profile());
        rig.exportAndMap("b0", GPA, 0).orElseThrow();
        rig.guestMap("b0", Optional.of(MemType.WB));
        Report r = rig.report();
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type().label()).isEqualTo("UC");
        assertThat(r.verdict()).isEqualTo(Verdict.BENIGN_ALIAS);
    }

    @Test
    void anvLlcBuffersNeverDiverge() {
        // DOMAIN 9 option 0: no divergence for Intel LLC WB buffers (CACHED everywhere)
        NodeRig rig = new NodeRig(intel("6.10", false), qemu(VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS));
        Report r = motivatingRun(rig, Placement.SHMEM_LLC);
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type().label()).isEqualTo("WB");
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    @Test
    void i915ShmemWcThroughVhostUserGpuWithHonorGuestPatLeavesQemuWbAgainstRendererWc() {
        NodeRig rig = new NodeRig(intel("6.10+honor-guest-pat", false), qemu(VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS));
        Report r = motivatingRun(rig, Placement.SHMEM_WC);
        assertThat(mapping(r, "b0", QEMU).orElseThrow().type().label()).isEqualTo("WB");
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type())
                .isEqualTo(new MappingType.Guest(MemType.WC, new Ept.Entry(MemType.WB, false)));
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(hazards(r, QEMU, RENDERER)).singleElement().satisfies(h -> {
            assertThat(h.types()).containsExactly("WB", "WC");
            assertThat(h.kind()).isEqualTo(Hazard.Kind.MEMTYPE_ALIAS);
        });
        assertThat(hazards(r, GUEST, RENDERER))
                .as("G = R when the guest honours map_info")
                .isEmpty();
        assertThat(hazards(r, GUEST, GPU)).isEmpty();
        assertThat(hazards(r, QEMU, GPU)).extracting(Hazard::kind).containsExactly(Hazard.Kind.NON_SNOOPED_DMA);
    }

    @Test
    void aWalkThroughAWarmWbQemuMappingReadsStaleDataAfterAGuestWcWrite() {
        NodeRig rig = new NodeRig(intel("6.10+honor-guest-pat", false), qemu(VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS));
        rig.allocate("b0", Placement.SHMEM_WC.profile());
        rig.exportAndMap("b0", GPA, 0).orElseThrow();
        rig.guestMap("b0", Optional.empty());
        rig.walkMemslots();
        rig.guestWrite("b0", 0xab);
        rig.walkMemslots();
        Report r = rig.report();
        assertThat(hazards(r, GUEST, QEMU))
                .singleElement()
                .satisfies(
                        h -> assertThat(h.witness())
                                .isEqualTo(
                                        "observed at step " + rig.feed.currentStep()
                                                + ": guest write 0xab went to memory, but a stale CPU cache line was kept; qemu read 0x00"));
    }

    @Test
    void i915ShmemWcWithKvmOnlyBlobAccessIsConsistent() {
        NodeRig rig = new NodeRig(intel("6.10+honor-guest-pat", false), qemu(VHOST_USER_GPU, DMABUF_MMAP, KVM_ONLY));
        Report r = motivatingRun(rig, Placement.SHMEM_WC);
        rig.walkMemslots();
        assertThat(rig.report().verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(r.hazards()).isEmpty();
    }

    @Test
    void nvidiaVidmemThroughVhostUserGpuCannotBeMappedAndIsReportedUnmappable() {
        NodeRig rig = new NodeRig(intel("6.16", true), qemu(VHOST_USER_GPU, DMABUF_MMAP, KVM_ONLY));
        rig.allocate("b0", Placement.VIDMEM.profile());
        Optional<BlobSlot> slot = rig.exportAndMap("b0", GPA, 0);
        assertThat(slot).isEmpty();
        assertThat(rig.kvm.blobs()).isEmpty();
        assertThat(rig.kvm.guestMap("b0", Optional.empty()).ok()).isFalse();
        Report r = rig.report();
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.hazards()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(Hazard.Kind.UNMAPPABLE);
            assertThat(h.kind().label()).isEqualTo("unmappable");
            assertThat(h.between()).containsExactly(QEMU, RENDERER);
            assertThat(h.witness()).contains("DOMAIN rule 35");
        });
    }

    @Test
    void nvidiaVidmemImportedWithVkMapMemoryGetsAQemuMapping() {
        NodeRig rig = new NodeRig(intel("6.16", true), qemu(VHOST_USER_GPU, VK_MAP_MEMORY, KVM_ONLY));
        rig.allocate("b0", Placement.VIDMEM.profile());
        assertThat(rig.exportAndMap("b0", GPA, 0)).isPresent();
        rig.guestMap("b0", Optional.empty());
        Report r = rig.report();
        assertThat(r.hazards()).extracting(Hazard::kind).doesNotContain(Hazard.Kind.UNMAPPABLE);
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    @Test
    void option1KvmMemDmaOn56MakesTheGuestFollowGuestMtrrAndPat() {
        NodeRig rig = new NodeRig(intel("5.6+kvm-mem-dma", false), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        rig.allocate("b0", Placement.GTT_USWC.profile());
        rig.exportAndMap("b0", GPA, MemslotFlag.KVM_MEM_DMA.bit()).orElseThrow();
        assertThat(rig.kvm.noncoherentDmaCount()).isEqualTo(1);
        rig.guestMap("b0", Optional.empty());
        rig.guestWrite("b0", 0xab);
        rig.gpuRead("b0");
        rig.rendererRead("b0");
        Report r = rig.report();
        // rule 11: EPT = guest MTRR (WB) without IPAT, so guest PAT WC wins (grid row WB)
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type())
                .isEqualTo(new MappingType.Guest(MemType.WC, new Ept.Entry(MemType.WB, false)));
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    @Test
    void option1WithAnI915ShmemWcExporterDivergesGuestWcFromQemuWb() {
        // DOMAIN 9 option 1 (a): G(WC) vs Q(WB) when the exporter's mmap is WB
        NodeRig rig = new NodeRig(intel("5.6+kvm-mem-dma", false), qemu(VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS));
        rig.allocate("b0", Placement.SHMEM_WC.profile());
        rig.exportAndMap("b0", GPA, MemslotFlag.KVM_MEM_DMA.bit()).orElseThrow();
        rig.guestMap("b0", Optional.empty());
        Report r = rig.report();
        assertThat(hazards(r, GUEST, QEMU))
                .singleElement()
                .satisfies(h -> assertThat(h.types()).containsExactly("WC", "WB"));
    }

    @Test
    void amdHonoursGuestWcAsWcPlusAndOnlyNonSnoopingDmaAgainstAWbAliasRemains() {
        // DOMAIN 9 row A: a WB alias in Q is observed by G's WC+ accesses; the remaining hazard is non-snooping D
        BufferProfile wbExport = new BufferProfile(Backing.RAM, Optional.of(MemType.WB), MemType.WC, GpuSnoop.NO_SNOOP);
        NodeRig rig = new NodeRig(
                NodeRig.platform(CpuVendor.AMD, "6.10", true), qemu(VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS));
        rig.allocate("b0", wbExport);
        rig.exportAndMap("b0", GPA, 0).orElseThrow();
        rig.guestMap("b0", Optional.empty());
        rig.guestWrite("b0", 0xab);
        rig.gpuRead("b0");
        Report r = rig.report();
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type()).isEqualTo(new MappingType.Cpu(MemType.WC_PLUS));
        assertThat(hazards(r, GUEST, QEMU)).isEmpty();
        assertThat(hazards(r, GUEST, GPU)).isEmpty();
        assertThat(r.hazards()).singleElement().satisfies(h -> {
            assertThat(h.between()).containsExactly(QEMU, GPU);
            assertThat(h.kind()).isEqualTo(Hazard.Kind.NON_SNOOPED_DMA);
        });
    }

    @Test
    void amdGuestWbOverRamIsAnUnverifiedCellAndTheVerdictIsUnknown() {
        NodeRig rig =
                new NodeRig(NodeRig.platform(CpuVendor.AMD, "6.10", true), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        rig.allocate("b0", Placement.GTT_CACHED.profile());
        rig.exportAndMap("b0", GPA, 0).orElseThrow();
        rig.guestMap("b0", Optional.empty());
        rig.guestWrite("b0", 0xab);
        rig.gpuRead("b0");
        Report r = rig.report();
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type()).isInstanceOf(MappingType.Unverified.class);
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("unverified"));
    }
}
