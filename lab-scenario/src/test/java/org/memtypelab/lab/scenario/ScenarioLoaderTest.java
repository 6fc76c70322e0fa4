package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.Driver;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.DesignPatch;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuConfig.BlobAccess;
import org.memtypelab.core.qemu.QemuConfig.GpuMode;
import org.memtypelab.core.qemu.QemuConfig.ImportMode;
import org.memtypelab.core.qemu.QemuVersion;
import org.memtypelab.protocol.NodeRole;

class ScenarioLoaderTest {

    /** The example of the contract, read from the repository's copy (docs/scenarios.md) so it stays verbatim. */
    static String scenariosMdExample() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "scenarios.md"));
        int start = doc.indexOf("```yaml\nname: amdgpu-uswc-status-quo");
        assertThat(start).as("the contract's example in docs/scenarios.md").isNotNegative();
        return doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
    }

    static Scenario loaded(String yaml) {
        LoadResult r = ScenarioLoader.load("test.yaml", yaml);
        assertThat(r).as("%s", r).isInstanceOf(LoadResult.Loaded.class);
        return ((LoadResult.Loaded) r).scenario();
    }

    @Test
    void bundledScenariosMdExampleLoadsWithItsValues() {
        Scenario s = ScenarioCatalogue.bundled()
                .loadBundled("examples/amdgpu-uswc-status-quo")
                .orElseThrow()
                .loaded()
                .orElseThrow();

        assertThat(s.name()).isEqualTo("amdgpu-uswc-status-quo");
        assertThat(s.description())
                .isEqualTo("Guest maps a USWC GTT buffer WC; KVM 6.16 (quirk on) ignores guest PAT.");
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.sourceFile()).isEqualTo("scenarios/examples/amdgpu-uswc-status-quo.yaml");
        assertThat(s.platform())
                .isEqualTo(new Platform(CpuVendor.INTEL, false, KvmVersion.of(6, 16), true, true, false, true));
        assertThat(s.qemu())
                .isEqualTo(new QemuConfig(
                        new QemuVersion(9, 2, 0),
                        true,
                        true,
                        GpuMode.IN_PROCESS,
                        ImportMode.DMABUF_MMAP,
                        BlobAccess.KVM_ONLY));
        assertThat(s.gpuProcess().driver()).isEqualTo(Driver.AMDGPU);
        assertThat(s.migration().policy()).isEqualTo(MigrationPolicy.STATUS_QUO);
        assertThat(s.steps())
                .containsExactly(
                        new Step.Allocate(
                                "b0", 2L << 20, Placement.GTT_USWC.profile(), Optional.of(Placement.GTT_USWC)),
                        new Step.Export("b0"),
                        new Step.MapBlob("b0", 0x1_0000_0000L, List.of(), Optional.empty()),
                        new Step.GuestMap("b0", Optional.of(MemType.WC)),
                        new Step.GuestCr0Cd(false),
                        new Step.Access(StepKind.GUEST_WRITE, "b0", 0, 0xab),
                        new Step.Access(StepKind.GPU_READ, "b0", 0),
                        new Step.SetMemoryRegion(3, 1, 0, 1L << 30, Optional.empty()),
                        new Step.WalkMemslots("dump-guest-memory"),
                        new Step.Migrate(),
                        new Step.UnmapBlob("b0"));
        assertThat(s.faults())
                .containsExactly(new Fault(
                        new Fault.AtKind(StepKind.GUEST_WRITE, 1),
                        new Fault.Drop(
                                new Fault.Messages(Optional.of(NodeRole.QEMU), Optional.of(NodeRole.MONITOR), 1))));
        assertThat(s.expect())
                .isEqualTo(new Expect(
                        Optional.of(Verdict.HAZARD),
                        List.of(new ExpectedHazard("b0", Set.of(Who.GUEST, Who.RENDERER), Optional.empty())),
                        Optional.of(MigrationOutcome.Status.BLOCKED),
                        Map.of("set-memory-region#1", "0")));
    }

    @Test
    void verbatimScenariosMdExampleLoads() throws java.io.IOException {
        // The contract's own example states import: dmabuf-mmap with an in-process GPU (the default, no effect) and
        // must load as written, and the bundled copy must be the same document.
        String example = scenariosMdExample();
        Scenario s = loaded(example);

        assertThat(s.platform().kvm()).isEqualTo(KvmVersion.of(6, 16));
        assertThat(s.platform().quirkStated()).isTrue();
        assertThat(s.qemu().importMode()).isEqualTo(QemuConfig.ImportMode.DMABUF_MMAP);
        assertThat(s.steps()).hasSize(11);
        assertThat(ScenarioCatalogue.bundled()
                        .text("examples/amdgpu-uswc-status-quo")
                        .orElseThrow())
                .endsWith(example);
    }

    @Test
    void vkMapMemoryImportWithAnInProcessGpuIsRejected() {
        LoadResult r =
                ScenarioLoader.load("doc.yaml", "name: t\nqemu:\n  import: vk-map-memory\nsteps:\n  - migrate: {}\n");

        assertThat(r.toString()).startsWith("doc.yaml:3:3: qemu.import: applies only with gpu: vhost-user-gpu");
    }

    @Test
    void omittedSectionsTakeTheExplainDefaults() {
        Scenario s = loaded("""
                name: minimal
                steps:
                  - migrate:
                """);

        assertThat(s.seed()).isEqualTo(1);
        assertThat(s.description()).isEmpty();
        assertThat(s.platform()).isEqualTo(Platform.defaults());
        assertThat(s.platform().kvm()).isEqualTo(KvmVersion.of(6, 16));
        assertThat(s.platform().selfSnoop()).isTrue();
        assertThat(s.platform().ignoreGuestPatQuirk()).isTrue();
        assertThat(s.qemu()).isEqualTo(QemuConfig.defaults());
        assertThat(s.gpuProcess().driver()).isEqualTo(Driver.AMDGPU);
        assertThat(s.migration().policy()).isEqualTo(MigrationPolicy.STATUS_QUO);
        assertThat(s.steps()).containsExactly(new Step.Migrate());
        assertThat(s.faults()).isEmpty();
        assertThat(s.expect()).isEqualTo(Expect.NONE);
        assertThat(s.expect().isNone()).isTrue();
    }

    @Test
    void explicitBufferPropertiesRawIoctlFieldsAndPatchedKernelsLoad() {
        Scenario s = loaded("""
                name: thread/option-4
                platform: {kvm: 6.10+slot-memtype+kvm-mem-dma, self-snoop: yes}
                qemu: {version: 8.1.3, virgl: false, gpu: vhost-user-gpu, import: vk-map-memory, blob-access: qemu-reads}
                gpu-process: {driver: nvidia-open}
                steps:
                  - allocate: {buffer: b1, size: 0x2000, backing: ram, dmabuf-mmap: WB, renderer-map: wc,
                               gpu-snoop: false}
                  - allocate: {buffer: vram.0, size: 4096, backing: mmio, dmabuf-mmap: none, renderer-map: WC,
                               gpu-snoop: device-local}
                  - map-blob: {buffer: b1, gpa: "0x1_0000_0000", flags: [kvm-mem-dma, readonly], memtype: uc}
                  - guest-map: {buffer: b1}
                  - set-memory-region: {slot: 0x10003, flags: 7, gpa: 0, size: 0, hva: 0x7f0000000000}
                  - set-memory-region: {slot: 4, flags: [guest-memfd, log-dirty-pages], gpa: 0x1000, size: 4KiB}
                  - noncoherent-dma: {attached: true}
                  - renderer-write: {buffer: vram.0, offset: 4095, value: 255}
                """);

        assertThat(s.platform().kvm().patches())
                .containsExactlyInAnyOrder(DesignPatch.SLOT_MEMTYPE, DesignPatch.KVM_MEM_DMA);
        assertThat(s.qemu().version()).isEqualTo(new QemuVersion(8, 1, 3));
        assertThat(s.qemu().importMode()).isEqualTo(ImportMode.VK_MAP_MEMORY);
        assertThat(s.steps().get(0))
                .isEqualTo(new Step.Allocate(
                        "b1",
                        0x2000,
                        new BufferProfile(Backing.RAM, Optional.of(MemType.WB), MemType.WC, GpuSnoop.NO_SNOOP),
                        Optional.empty()));
        assertThat(((Step.Allocate) s.steps().get(1)).profile())
                .isEqualTo(new BufferProfile(Backing.MMIO, Optional.empty(), MemType.WC, GpuSnoop.DEVICE_LOCAL));
        assertThat(s.steps().get(2))
                .isEqualTo(new Step.MapBlob(
                        "b1", 0x1_0000_0000L, List.of("kvm-mem-dma", "readonly"), Optional.of(MemType.UC)));
        assertThat(s.steps().get(3)).isEqualTo(new Step.GuestMap("b1", Optional.empty()));
        assertThat(s.steps().get(4))
                .isEqualTo(new Step.SetMemoryRegion(0x10003, 7, 0, 0, Optional.of(0x7f00_0000_0000L)));
        assertThat(s.steps().get(5)).isEqualTo(new Step.SetMemoryRegion(4, 5, 0x1000, 4096, Optional.empty()));
        assertThat(s.steps().get(6)).isEqualTo(new Step.NoncoherentDma(true));
        assertThat(s.steps().get(7)).isEqualTo(new Step.Access(StepKind.RENDERER_WRITE, "vram.0", 4095, 255));
    }

    @Test
    void everyFaultActionAndStepReferenceFormLoads() {
        Scenario s = loaded("""
                name: faults
                steps:
                  - allocate: {buffer: b0, size: 4KiB, placement: gtt-cached}
                  - guest-write: {buffer: b0, offset: 0, value: 1}
                  - guest-write: {buffer: b0, offset: 1, value: 2}
                  - set-memory-region: {slot: 1, gpa: 0, size: 4KiB}
                faults:
                  - {at: "guest-write#2", delay: {to: kvm-node, ms: 50}}
                  - {step: 2, duplicate: {}}
                  - {step: 3, reorder: {from: gpu-process-node, count: 3}}
                  - {at: allocate, kill: migration-node}
                  - {at: allocate#1, restart: monitor}
                  - {step: 4, partition: [[kvm-node, qemu-node], [monitor]]}
                  - {step: 4, heal: {}}
                expect:
                  verdict: consistent
                  hazards: [{buffer: b0, between: [gpu, qemu], kind: non-snooped-dma}]
                  errno: {4: einval, guest-write#2: 0}
                """);

        assertThat(s.faults())
                .extracting(Fault::action)
                .containsExactly(
                        new Fault.Delay(new Fault.Messages(Optional.empty(), Optional.of(NodeRole.KVM), 1), 50),
                        new Fault.Duplicate(new Fault.Messages(Optional.empty(), Optional.empty(), 1)),
                        new Fault.Reorder(new Fault.Messages(Optional.of(NodeRole.GPU_PROCESS), Optional.empty(), 3)),
                        new Fault.Kill(NodeRole.MIGRATION),
                        new Fault.Restart(NodeRole.MONITOR),
                        new Fault.Partition(List.of(Set.of(NodeRole.KVM, NodeRole.QEMU), Set.of(NodeRole.MONITOR))),
                        new Fault.Heal());
        assertThat(s.faults().get(0).at().resolve(s.steps())).hasValue(3);
        assertThat(s.faults().get(1).at()).isEqualTo(new Fault.AtStep(2));
        assertThat(s.expect().errno())
                .containsExactly(Map.entry("set-memory-region#1", "EINVAL"), Map.entry("guest-write#2", "0"));
        assertThat(s.expect().hazards().get(0).between()).containsExactlyInAnyOrder(Who.GPU, Who.QEMU);
    }

    @Test
    void expectTakesTheCoreVerdictsHazardKindsAndOutcomes() {
        Scenario s = loaded("""
                name: unverified
                steps:
                  - allocate: {buffer: b0, size: 4KiB, placement: gtt-uswc}
                expect:
                  verdict: Unknown
                  hazards: [{buffer: b0, between: [renderer, guest], kind: unverified-memtype}]
                  migration: failed
                """);

        assertThat(s.expect())
                .isEqualTo(new Expect(
                        Optional.of(Verdict.UNKNOWN),
                        List.of(new ExpectedHazard(
                                "b0", Set.of(Who.GUEST, Who.RENDERER), Optional.of(Hazard.Kind.UNVERIFIED_MEMTYPE))),
                        Optional.of(MigrationOutcome.Status.FAILED),
                        Map.of()));
    }

    @Test
    void quirkMayBeDisabledOnASelfSnoopingHostWith616() {
        Scenario s = loaded("""
                name: quirk-off
                platform: {kvm: "6.16", ignore-guest-pat-quirk: off}
                steps: [{migrate: {}}]
                """);

        assertThat(s.platform().ignoreGuestPatQuirk()).isFalse();
        assertThat(s.platform().quirkStated()).isTrue();
        assertThat(s.platform().kvmPlatform().mayIgnoreGuestPat()).isFalse();
    }

    @Test
    void rule15_quirkMayBeDisabledOn61278ItsStableBackport() {
        Scenario s = loaded("""
                name: quirk-off-stable
                platform: {kvm: "6.12.78", ignore-guest-pat-quirk: off}
                steps: [{migrate: {}}]
                """);

        assertThat(s.platform().kvm().toString()).isEqualTo("6.12.78");
        assertThat(s.platform().kvmPlatform().mayIgnoreGuestPat()).isFalse();
    }

    @Test
    void rule15a_selfSnoopDefaultsToTrueOnIntelAndFalseOnAmd() {
        assertThat(loaded("name: i\nplatform: {cpu: intel}\nsteps: [{migrate: {}}]\n")
                        .platform()
                        .selfSnoop())
                .isTrue();
        assertThat(loaded("name: a\nplatform: {cpu: amd}\nsteps: [{migrate: {}}]\n")
                        .platform()
                        .selfSnoop())
                .isFalse();
    }

    @Test
    void guestMtrrCr0CdAndTheCdNwQuirkAreReadFromTheScenario() {
        Scenario s = loaded("""
                name: cd
                platform: {kvm: "6.8", cd-nw-quirk: off, noncoherent-dma: true}
                gpu-process: {driver: i915}
                steps:
                  - allocate: {buffer: b0, size: 2MiB, placement: shmem-llc}
                  - export: {buffer: b0}
                  - map-blob: {buffer: b0, gpa: 0x100000000}
                  - guest-map: {buffer: b0, pat: WB, mtrr: UC}
                  - guest-cr0-cd: {value: true}
                """);

        assertThat(s.platform().cdNwQuirk()).isFalse();
        assertThat(s.platform().kvmPlatform().cdNwQuirk()).isFalse();
        assertThat(s.platform().kvmPlatform().vfioNoncoherent())
                .as("platform.noncoherent-dma reaches KVM's model")
                .isTrue();
        assertThat(s.steps().get(3)).isEqualTo(new Step.GuestMap("b0", Optional.of(MemType.WB), MemType.UC));
        assertThat(s.steps().get(4)).isEqualTo(new Step.GuestCr0Cd(true));
        assertThat(s.steps().get(4).kind().label()).isEqualTo("guest-cr0-cd");
    }

    @Test
    void errorPrintsAsFileLineColumnMessage() {
        assertThat(new ScenarioError("a.yaml", 3, 7, "seed: expected an integer").toString())
                .isEqualTo("a.yaml:3:7: seed: expected an integer");
    }
}
