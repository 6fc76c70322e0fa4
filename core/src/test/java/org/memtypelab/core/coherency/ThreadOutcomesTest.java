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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.coherency.CoherencyLedger.Report;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmModel;
import org.memtypelab.core.memslot.Errno;
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

    @ParameterizedTest(
            name = "DOMAIN 9 option 0, rule 10: kvm {0}, amdgpu gtt-uswc: guest WB against renderer and QEMU WC")
    @ValueSource(strings = {"5.6", "6.13", "6.16"})
    void rule10_option0AmdgpuUswcGuestWbAgainstRendererAndQemuWc(String kvm) {
        // the thread's motivating bug; on 5.13 <= v < 6.13 these pages do not even map (rule 28a, next test)
        NodeRig rig = new NodeRig(intel(kvm, false), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
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

    @ParameterizedTest(
            name = "DOMAIN rule 28a: kvm {0}, amdgpu gtt-uswc: the guest write makes KVM_RUN fail with EFAULT")
    @ValueSource(strings = {"5.13", "6.10", "6.11-rc3", "6.12.78", "5.10.47"})
    void rule28a_option0AmdgpuUswcOn513To612FaultsInsteadOfAliasing(String kvm) {
        NodeRig rig = new NodeRig(intel(kvm, true), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
        rig.allocate("b0", Placement.GTT_USWC.profile());
        rig.exportAndMap("b0", GPA, 0).orElseThrow();
        rig.guestMap("b0", Optional.empty());
        KvmModel.RunOutcome write = rig.kvm.guestAccess("b0", true, 0, 0xab);
        rig.feed.step("kvm-node", write.outcome());
        assertThat(write.outcome().ok()).isFalse();
        assertThat(write.errno()).contains(Errno.EFAULT);

        Report r = rig.report();
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(mapping(r, "b0", GUEST))
                .as("KVM never built the guest mapping")
                .isEmpty();
        assertThat(r.hazards()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(Hazard.Kind.GUEST_FAULT);
            assertThat(h.between()).containsExactly(GUEST, QEMU);
            assertThat(h.witness()).contains("EFAULT").contains("6.13");
        });
    }

    @Test
    void option8KvmOnlyBlobAccessLeavesOnlyGuestAgainstRendererAndGpu() {
        NodeRig rig = new NodeRig(intel("6.13", false), qemu(IN_PROCESS, DMABUF_MMAP, KVM_ONLY));
        Report r = motivatingRun(rig, Placement.GTT_USWC);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.hazards())
                .extracting(Hazard::between)
                .containsExactlyInAnyOrder(List.of(GUEST, RENDERER), List.of(GUEST, GPU));
        assertThat(mapping(r, "b0", QEMU).orElseThrow().dereferenced()).isFalse();
    }

    @ParameterizedTest(
            name = "DOMAIN rule 14: kvm {0} on a self-snoop CPU honours the guest WC of an i915 shmem-wc blob")
    @ValueSource(strings = {"6.11-rc1", "6.11-rc3", "6.11-rc7"})
    void rule14_611ReleaseCandidatesOnASelfSnoopCpuHonourTheGuestWcAndAreConsistent(String kvm) {
        // DOMAIN 9 option 2 = 6.11-rc1 ... rc7 on self-snoop CPUs; i915 shmem pages are refcounted RAM (rule 28a n/a)
        NodeRig rig = new NodeRig(intel(kvm, true), qemu(VHOST_USER_GPU, DMABUF_MMAP, KVM_ONLY));
        Report r = motivatingRun(rig, Placement.SHMEM_WC);
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type())
                .isEqualTo(new MappingType.Guest(MemType.WC, new Ept.Entry(MemType.WB, false)));
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(r.hazards()).isEmpty();
    }

    @ParameterizedTest(
            name = "DOMAIN rules 10, 14: kvm {0} self-snoop {1} ignores the guest WC: G(WB) vs non-snooping D")
    @CsvSource({"6.11, true", "6.11.5, true", "6.12.77, true", "6.11-rc3, false", "6.11, false"})
    void rule14_611FinalAnd611yOrNoSelfSnoopStillIgnoreGuestPat(String kvm, boolean selfSnoop) {
        NodeRig rig = new NodeRig(intel(kvm, selfSnoop), qemu(VHOST_USER_GPU, DMABUF_MMAP, KVM_ONLY));
        Report r = motivatingRun(rig, Placement.SHMEM_WC);
        assertThat(mapping(r, "b0", GUEST).orElseThrow().type())
                .isEqualTo(new MappingType.Guest(MemType.WB, new Ept.Entry(MemType.WB, true)));
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(hazards(r, GUEST, GPU)).extracting(Hazard::kind).containsExactly(Hazard.Kind.NON_SNOOPED_DMA);
        // G(WB) vs R(WC): stale without self-snoop, a benign alias with it (rule 10a)
        assertThat(hazards(r, GUEST, RENDERER)).hasSize(selfSnoop ? 0 : 1);
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
                NodeRig.platform(CpuVendor.AMD, "6.10", false), qemu(VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS));
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
        // the renderer's plain WC against QEMU's WB: nothing is judged through self-snoop on AMD (rule 15a)
        assertThat(r.notes())
                .anySatisfy(n -> assertThat(n).contains("qemu/renderer").contains("not verified"));
    }

    @Test
    void amdGuestWbOverRamIsAnUnverifiedCellAndTheVerdictIsUnknown() {
        // 6.13: the amdgpu gtt pages map (rule 28a), so the guest's own type is what is unverified
        NodeRig rig =
                new NodeRig(NodeRig.platform(CpuVendor.AMD, "6.13", false), qemu(IN_PROCESS, DMABUF_MMAP, QEMU_READS));
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
