package org.memtypelab.protocol.node;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.Errno;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuVersion;
import org.memtypelab.protocol.CborSerializable;

/**
 * One realistic instance of every message that crosses node boundaries, every field set to a value other than its
 * default (the run of docs/scenarios.md's result example: a WB guest mapping aliased by a WC renderer mapping of
 * {@code b0}). Sealed core types appear once per variant, so each variant's type id crosses the wire.
 */
final class MessageSamples {

    private static final long MIB = 1L << 20;

    private MessageSamples() {}

    /** The samples, with reply-to references to fresh probes of {@code kit}. */
    static List<CborSerializable> all(ActorTestKit kit) {
        ActorRef<StepDone> done = kit.createTestProbe(StepDone.class).ref();
        Stamp stamp = new Stamp(5, 17, "qemu-node", "run-7f3a");
        BlobSlot blob = new BlobSlot(
                "b0",
                2,
                0x1_0000_0000L,
                2 * MIB,
                0x7f3c_8000_0000L,
                1, // KVM_MEM_LOG_DIRTY_PAGES
                Optional.of(MemType.WC),
                MemType.WC,
                Backing.MMIO,
                MemType.WC,
                true,
                MemType.WC);
        BufferProfile profile =
                new BufferProfile(Backing.RAM, Optional.of(MemType.WB), MemType.WB, GpuSnoop.NO_SNOOP, true);
        Peers peers = new Peers(
                kit.createTestProbe(KvmProtocol.Command.class).ref(),
                kit.createTestProbe(QemuProtocol.Command.class).ref(),
                kit.createTestProbe(GpuProtocol.Command.class).ref());
        RunSetup setup = new RunSetup(
                "run-7f3a",
                42,
                new KvmPlatform(CpuVendor.INTEL, KvmVersion.of("6.12.78+slot-memtype"), true, true, true, true),
                // every field set, though QEMU refuses virgl together with rutabaga (QemuConfig.refusal)
                new QemuConfig(
                        QemuVersion.of("9.2.1"),
                        true,
                        true,
                        QemuConfig.GpuMode.VHOST_USER_GPU,
                        QemuConfig.ImportMode.VK_MAP_MEMORY,
                        QemuConfig.BlobAccess.QEMU_READS,
                        true),
                MigrationPolicy.BLOB_AS_GPU_STATE,
                "/var/tmp/memtype-lab/run-7f3a",
                peers);
        Coherence coherence = new Coherence(CpuVendor.INTEL, true);
        ActorRef<NodeCommand.ResendTo> resendTo =
                kit.createTestProbe(NodeCommand.ResendTo.class).ref();
        NodeMark mark = new NodeMark("gpu-process-node", 2, 31, resendTo);
        Hazard hazard = hazard();

        return List.of(
                // kvm-node
                new KvmProtocol.InstallBlob(stamp, blob, done),
                new KvmProtocol.RemoveBlob(stamp, blob, done),
                new KvmProtocol.SetMemoryRegion(
                        stamp,
                        7,
                        2 /* KVM_MEM_READONLY */,
                        0x2_0000_0000L,
                        4 * MIB,
                        new HvaChoice.At(0x7f00_0000_0000L),
                        done),
                new KvmProtocol.GuestMap(stamp, "b0", new MemTypeChoice.Given(MemType.UC_MINUS), done),
                // the variants that leave a choice to the receiver's rule
                new KvmProtocol.GuestMap(stamp, "b1", new MemTypeChoice.ByRule(), MemType.UC, done),
                new KvmProtocol.GuestCr0Cd(stamp, true, done),
                new KvmProtocol.SetMemoryRegion(stamp, 8, 1, 0x3_0000_0000L, 2 * MIB, new HvaChoice.Keep(), done),
                new KvmProtocol.GuestAccess(stamp, "b0", true, 0x40, 0xab, done),
                new KvmProtocol.NoncoherentDma(stamp, true, done),
                new KvmProtocol.StartDirtyLog(stamp, blob, done),
                // qemu-node
                new QemuProtocol.ImportDmaBuf(stamp, new DmaBuf("b0", 2 * MIB, profile), done),
                new QemuProtocol.MapBlob(
                        stamp,
                        "b0",
                        0x1_0000_0000L,
                        Set.of(MemslotFlag.LOG_DIRTY_PAGES),
                        new MemTypeChoice.Given(MemType.WT),
                        done),
                new QemuProtocol.UnmapBlob(stamp, "b0", done),
                new QemuProtocol.WalkMemslots(stamp, "vhost-user", done),
                new QemuProtocol.GetMigrationInfo(
                        stamp,
                        MigrationPolicy.RAM_COPY,
                        kit.createTestProbe(QemuProtocol.MigrationInfo.class).ref()),
                // every field set, though a QEMU with a blocker never gets as far as saving (DOMAIN rules 27, 32)
                new QemuProtocol.MigrationInfo(
                        5,
                        List.of("virgl is not yet migratable"),
                        List.of(blob),
                        "QEMU 8.1.2 crashed in virtio_gpu_save: a blob resource exists and this version has no blob"
                                + " migration support (DOMAIN rule 32)",
                        23),
                // gpu-process-node
                new GpuProtocol.Allocate(stamp, "b0", 2 * MIB, profile, done),
                new GpuProtocol.Export(stamp, "b0", done),
                new GpuProtocol.GpuAccess(stamp, "b0", true, 0x80, 0x5a, done),
                new GpuProtocol.RendererAccess(stamp, "b0", true, 0x40, 0xcd, done),
                new GpuProtocol.SaveBlobs(stamp, done),
                // migration-node
                new MigrationProtocol.Migrate(stamp, done),
                // every node
                new NodeCommand.Setup(setup, done),
                // a release candidate crosses the wire as well as a stable patch level (DOMAIN 2.2 version strings)
                new NodeCommand.Setup(
                        new RunSetup(
                                setup.runId(),
                                setup.seed(),
                                new KvmPlatform(
                                        CpuVendor.INTEL,
                                        KvmVersion.of("6.11-rc3+honor-guest-pat"),
                                        true,
                                        true,
                                        true,
                                        true),
                                setup.qemu(),
                                setup.policy(),
                                setup.traceDir(),
                                setup.peers()),
                        done),
                new NodeCommand.NewPeers(peers, done),
                new NodeCommand.GetMark(kit.createTestProbe(NodeMark.class).ref()),
                new NodeCommand.ResendTo(
                        2,
                        List.of(7L, 9L),
                        kit.createTestProbe(MonitorProtocol.Command.class).ref()),
                new Arm(
                        3,
                        List.of(
                                new MessageRule(
                                        MessageRule.Action.DELAY, "kvm-node", "qemu-node", "StepDone", 2, 0.5, 120),
                                new MessageRule(
                                        MessageRule.Action.REORDER, "qemu-node", "monitor", "Observed", 1, 1.0, 40)),
                        List.of(Set.of("kvm-node", "monitor"), Set.of("qemu-node", "gpu-process-node")),
                        true,
                        done),
                // coherency monitor, one Observed per observation kind
                observed(new Observation.MappingSet(guestMapping())),
                observed(new Observation.MappingGone("b0", Who.QEMU)),
                observed(new Observation.Access("b0", Who.GPU, new MappingType.Dma(true), true, 0x80, 0x5a)),
                observed(new Observation.Reported(hazard)),
                new MonitorProtocol.Reset("run-7f3a", coherence, done),
                new MonitorProtocol.Report(
                        "run-7f3a",
                        coherence,
                        List.of(mark),
                        kit.createTestProbe(MonitorProtocol.MonitorReport.class).ref()),
                new MonitorProtocol.MonitorReport(
                        "run-7f3a",
                        Verdict.HAZARD,
                        Map.of("b0", Verdict.HAZARD, "b1", Verdict.BENIGN_ALIAS),
                        List.of(
                                guestMapping(),
                                new Mapping("b0", Who.RENDERER, new MappingType.Cpu(MemType.WC), true),
                                new Mapping("b1", Who.GUEST, new MappingType.Unverified("AMD NPT: WC+ cell"), true),
                                new Mapping("b0", Who.GPU, new MappingType.Dma(true), true)),
                        List.of(hazard),
                        List.of("gpu-process-node restarted at step 4"),
                        List.of(new CoherencyLedger.Gap("gpu-process-node", 2, List.of(7L, 9L))),
                        31),
                // replies and values sent on their own
                new StepDone(
                        5,
                        "migration-node",
                        true,
                        "blob contents saved by the GPU process",
                        new IoctlAnswer.Failed(Errno.EINVAL),
                        new MigrationOutcome(MigrationOutcome.Status.BLOCKED, "virgl is not yet migratable"),
                        23,
                        "migrate"),
                // a successful ioctl, and a step that made none
                new StepDone(
                        3,
                        "kvm-node",
                        true,
                        "created slot 0:10",
                        new IoctlAnswer.Zero(),
                        new MigrationOutcome(MigrationOutcome.Status.COMPLETED, "copied 1 blob(s)"),
                        11,
                        "install-blob b0"),
                new StepDone(
                        4,
                        "gpu-process-node",
                        true,
                        "allocated b0",
                        new IoctlAnswer.NoIoctl(),
                        new MigrationOutcome(MigrationOutcome.Status.FAILED, "no answer"),
                        12,
                        "allocate b0"),
                stamp,
                setup,
                peers,
                mark);
    }

    private static Mapping guestMapping() {
        return new Mapping("b0", Who.GUEST, new MappingType.Guest(MemType.WB, new Ept.Entry(MemType.WB, true)), true);
    }

    private static Hazard hazard() {
        return new Hazard(
                "b0",
                List.of(Who.GUEST, Who.RENDERER),
                List.of("WB", "WC"),
                Hazard.Kind.MEMTYPE_ALIAS,
                5,
                "guest write 0xab stayed in the CPU cache; renderer read 0x00");
    }

    private static Observed observed(Observation o) {
        return new Observed(new Event("kvm-node", 3, 12, 5, 19, o), "run-7f3a");
    }
}
