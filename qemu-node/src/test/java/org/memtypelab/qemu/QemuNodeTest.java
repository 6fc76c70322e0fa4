package org.memtypelab.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.Blobs.MIB2;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;
import static org.memtypelab.runtime.testkit.TraceFiles.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuModel;
import org.memtypelab.core.qemu.QemuVersion;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MemTypeChoice;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.NodeUnderTest;
import org.memtypelab.runtime.testkit.Runs;

/** qemu-node as an actor: imports dma-bufs, hands blob memslots to kvm-node, answers migration's questions. */
class QemuNodeTest {

    private static final long INCARNATION = 3;
    private static final long GPA = 0x1_0000_0000L;
    private static final DmaBuf B0 =
            new DmaBuf("b0", MIB2, new BufferProfile(Backing.RAM, Optional.of(MemType.WC), MemType.WC, GpuSnoop.SNOOP));

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    private TestProbe<KvmProtocol.Command> kvm;
    private NodeUnderTest<QemuProtocol.Command> qemu;

    @BeforeEach
    void spawnNode() {
        kvm = kit.createTestProbe(KvmProtocol.Command.class);
        qemu = kit.spawnNode(QemuNode.NODE, INCARNATION, QemuNode::create);
    }

    @Test
    void setupAnswersWithQemusVersionAndStartsTheTrace() {
        StepDone done = setUp(QemuConfig.defaults());

        assertThat(done.ok()).isTrue();
        assertThat(done.node()).isEqualTo(QemuNode.NODE);
        assertThat(done.detail()).isEqualTo("QEMU 9.2");
        assertThat(kinds(qemu.trace())).containsExactly("setup");
    }

    @Test
    void importDmaBufAnswersTheStepItselfAndEmitsNothing() {
        setUp(QemuConfig.defaults());

        StepDone done = qemu.step(new QemuProtocol.ImportDmaBuf(new Stamp(2, 4), B0, qemu.replyTo()));

        assertThat(done.ok()).isTrue();
        assertThat(done.step()).isEqualTo(2);
        assertThat(done.detail()).isEqualTo("QEMU imported the dma-buf of b0");
        assertThat(done.lamport()).isEqualTo(5);
        assertThat(kinds(qemu.trace())).containsExactly("setup", "recv", "decide");
        qemu.monitor().expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
    }

    @Test
    void mapBlobEmitsQemusMappingAndHandsTheMemslotToKvmWithTheOriginalReplyTo() {
        QemuModel oracle = new QemuModel(QemuConfig.defaults());
        oracle.importDmaBuf(B0);
        QemuModel.MapResult expected = oracle.mapBlob("b0", GPA, 0, Optional.empty());
        setUp(QemuConfig.defaults());
        qemu.step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, qemu.replyTo()));

        qemu.tell(new QemuProtocol.MapBlob(
                new Stamp(2, 10), "b0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));
        KvmProtocol.InstallBlob install = kvm.expectMessageClass(KvmProtocol.InstallBlob.class);
        List<JsonNode> trace = qemu.trace();
        Event event = qemu.events(1).get(0);

        assertThat(event.observation())
                .isEqualTo(
                        new Observation.MappingSet(new Mapping("b0", Who.QEMU, new MappingType.Cpu(MemType.WC), false)))
                .isEqualTo(expected.outcome().observations().get(0));
        assertThat(event.seq()).isEqualTo(1);
        assertThat(event.step()).isEqualTo(2);
        assertThat(event.lamport()).isGreaterThan(10);
        assertThat(install.blob()).isEqualTo(expected.slot().orElseThrow());
        assertThat(install.blob().slot()).isEqualTo(QemuModel.FIRST_BLOB_SLOT);
        assertThat(install.replyTo()).as("kvm-node answers the step").isEqualTo(qemu.replyTo());
        assertThat(install.stamp().step()).isEqualTo(2);
        assertThat(install.stamp().lamport()).isGreaterThan(event.lamport());
        assertThat(kinds(trace)).containsExactly("setup", "recv", "decide", "recv", "decide", "event", "send");
        JsonNode send = trace.get(6);
        assertThat(send.get("what").asText()).isEqualTo("install-blob b0");
        assertThat(send.get("lamport").asLong()).isEqualTo(install.stamp().lamport());
        assertThat(trace.get(5).get("seq").asLong()).isEqualTo(1);
        qemu.reply().expectNoMessage(QUIET);
    }

    @Test
    void unmapBlobEmitsMappingGoneAndAsksKvmToRemoveTheSlot() {
        setUp(QemuConfig.defaults());
        qemu.step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, qemu.replyTo()));
        qemu.tell(new QemuProtocol.MapBlob(
                new Stamp(2, 2), "b0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));
        BlobSlot installed =
                kvm.expectMessageClass(KvmProtocol.InstallBlob.class).blob();

        qemu.tell(new QemuProtocol.UnmapBlob(new Stamp(3, 3), "b0", qemu.replyTo()));
        KvmProtocol.RemoveBlob remove = kvm.expectMessageClass(KvmProtocol.RemoveBlob.class);
        List<Event> events = qemu.events(2);

        assertThat(remove.blob()).isEqualTo(installed);
        assertThat(remove.replyTo()).isEqualTo(qemu.replyTo());
        assertThat(events.get(1).observation()).isEqualTo(new Observation.MappingGone("b0", Who.QEMU));
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L);
        assertThat(events.get(1).lamport()).isGreaterThan(events.get(0).lamport());
        assertThat(remove.stamp().lamport()).isGreaterThan(events.get(1).lamport());
        assertThat(qemu.trace().get(qemu.trace().size() - 1).get("what").asText())
                .isEqualTo("remove-blob b0");
        qemu.reply().expectNoMessage(QUIET);
    }

    @Test
    void mapBlobWithoutADmaBufFailsTheStepWithoutBotheringKvm() {
        setUp(QemuConfig.defaults());

        StepDone done = qemu.step(new QemuProtocol.MapBlob(
                new Stamp(1, 1), "b0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).contains("no dma-buf for b0");
        assertThat(kinds(qemu.trace())).containsExactly("setup", "recv", "decide");
        kvm.expectNoMessage(QUIET);
        qemu.monitor().expectNoMessage(QUIET);
    }

    @Test
    void walkMemslotsUnderQemuReadsReadsTheBlobThroughQemusMapping() {
        setUp(new QemuConfig(
                QemuConfig.defaults().version(),
                true,
                true,
                QemuConfig.GpuMode.IN_PROCESS,
                QemuConfig.ImportMode.DMABUF_MMAP,
                QemuConfig.BlobAccess.QEMU_READS));
        qemu.step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, qemu.replyTo()));
        qemu.tell(new QemuProtocol.MapBlob(
                new Stamp(2, 2), "b0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));
        kvm.expectMessageClass(KvmProtocol.InstallBlob.class);

        StepDone done = qemu.step(new QemuProtocol.WalkMemslots(new Stamp(3, 3), "dump-guest-memory", qemu.replyTo()));
        List<Event> events = qemu.events(2);

        assertThat(done.ok()).isTrue();
        assertThat(done.detail()).startsWith("dump-guest-memory read 1 blob slot(s)");
        assertThat(events.get(0).observation())
                .as("QEMU dereferences its mapping under qemu-reads")
                .isEqualTo(
                        new Observation.MappingSet(new Mapping("b0", Who.QEMU, new MappingType.Cpu(MemType.WC), true)));
        assertThat(events.get(1).observation())
                .isEqualTo(new Observation.Access("b0", Who.QEMU, new MappingType.Cpu(MemType.WC), false, 0, 0));
        assertThat(events.get(1).seq()).isEqualTo(2);
        assertThat(done.lamport()).isEqualTo(events.get(1).lamport());
    }

    @Test
    void migrationInfoUnderStatusQuoReportsTheVirglBlocker() {
        setUp(QemuConfig.defaults());
        mapB0();
        TestProbe<QemuProtocol.MigrationInfo> info = kit.createTestProbe(QemuProtocol.MigrationInfo.class);

        qemu.tell(new QemuProtocol.GetMigrationInfo(new Stamp(4, 40), MigrationPolicy.STATUS_QUO, info.ref()));
        QemuProtocol.MigrationInfo answer = info.receiveMessage();

        assertThat(answer.blockers()).containsExactly("virgl is not yet migratable");
        assertThat(answer.blobsToCopy())
                .as("rule 28: blob regions are not migratable RAM")
                .isEmpty();
        assertThat(answer.lamport()).isEqualTo(41);
        List<JsonNode> trace = qemu.trace();
        assertThat(kinds(trace.subList(trace.size() - 2, trace.size()))).containsExactly("recv", "decide");
        assertThat(trace.get(trace.size() - 1).get("detail").asText()).contains("virgl is not yet migratable");
    }

    @Test
    void migrationInfoUnderRamCopyHasNoBlockerAndListsTheBlobToCopy() {
        setUp(QemuConfig.defaults());
        BlobSlot b0 = mapB0();
        TestProbe<QemuProtocol.MigrationInfo> info = kit.createTestProbe(QemuProtocol.MigrationInfo.class);

        qemu.tell(new QemuProtocol.GetMigrationInfo(new Stamp(4, 1), MigrationPolicy.RAM_COPY, info.ref()));
        QemuProtocol.MigrationInfo answer = info.receiveMessage();

        assertThat(answer.blockers()).isEmpty();
        assertThat(answer.blobsToCopy()).containsExactly(b0);
        qemu.monitor().expectNoMessage(QUIET);
    }

    @Test
    void rule32_migrationInfoFromQemu812With2dBlobSaysTheSaveWillCrash() {
        setUp(new QemuConfig(
                QemuVersion.of("8.1.2"),
                false,
                true,
                QemuConfig.GpuMode.IN_PROCESS,
                QemuConfig.ImportMode.DMABUF_MMAP,
                QemuConfig.BlobAccess.KVM_ONLY));
        qemu.step(new QemuProtocol.ImportDmaBuf(
                new Stamp(1, 1), new DmaBuf("u0", MIB2, Placement.GUEST_RAM.profile()), qemu.replyTo()));
        qemu.tell(new QemuProtocol.MapBlob(
                new Stamp(2, 2), "u0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));
        BlobSlot u0 = kvm.expectMessageClass(KvmProtocol.InstallBlob.class).blob();
        TestProbe<QemuProtocol.MigrationInfo> info = kit.createTestProbe(QemuProtocol.MigrationInfo.class);

        qemu.tell(new QemuProtocol.GetMigrationInfo(new Stamp(3, 3), MigrationPolicy.STATUS_QUO, info.ref()));
        QemuProtocol.MigrationInfo answer = info.receiveMessage();

        assertThat(answer.blockers()).as("no blocker before 8.1.3").isEmpty();
        assertThat(answer.blobsToCopy()).as("a 2D blob is guest RAM").containsExactly(u0);
        assertThat(answer.saveCrash())
                .isEqualTo("QEMU 8.1.2 crashed in virtio_gpu_save: a blob resource exists and this version has no"
                        + " blob migration support (DOMAIN rule 32)");
        List<JsonNode> trace = qemu.trace();
        assertThat(trace.get(trace.size() - 1).get("detail").asText()).contains("virtio_gpu_save");
    }

    @Test
    void rule32_migrationInfoFromQemu92HasNoSaveCrash() {
        setUp(QemuConfig.defaults());
        mapB0();
        TestProbe<QemuProtocol.MigrationInfo> info = kit.createTestProbe(QemuProtocol.MigrationInfo.class);

        qemu.tell(new QemuProtocol.GetMigrationInfo(new Stamp(4, 4), MigrationPolicy.RAM_COPY, info.ref()));

        assertThat(info.receiveMessage().saveCrash()).isEmpty();
    }

    @Test
    void resendToSendsExactlyTheAskedSeqsToTheGivenMonitor() {
        setUp(QemuConfig.defaults());
        mapB0();
        qemu.tell(new QemuProtocol.UnmapBlob(new Stamp(3, 3), "b0", qemu.replyTo()));
        kvm.expectMessageClass(KvmProtocol.RemoveBlob.class);
        Event gone = qemu.events(1).get(0);

        qemu.assertResends(kit.mark(qemu.ref()), INCARNATION, 2, List.of(2L), List.of(gone));
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        setUp(QemuConfig.defaults());
        mapB0();

        qemu.assertResends(qemu.ref(), INCARNATION + 1, List.of(1L), List.of());
    }

    @Test
    void stepsBeforeSetupAreRefused() {
        TestProbe<QemuProtocol.MigrationInfo> info = kit.createTestProbe(QemuProtocol.MigrationInfo.class);

        StepDone done = qemu.step(new QemuProtocol.MapBlob(
                new Stamp(1, 1), "b0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));
        qemu.tell(new QemuProtocol.GetMigrationInfo(new Stamp(2, 2), MigrationPolicy.RAM_COPY, info.ref()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).isEqualTo("qemu-node has no run set up");
        assertThat(info.receiveMessage().blockers())
                .as("migration must not go ahead against a QEMU without a VM")
                .containsExactly("qemu-node has no run set up");
        kvm.expectNoMessage(QUIET);
    }

    /** Imports and maps b0 (seq 1 on the monitor probe, consumed here); returns the slot kvm-node was asked for. */
    private BlobSlot mapB0() {
        qemu.step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, qemu.replyTo()));
        qemu.tell(new QemuProtocol.MapBlob(
                new Stamp(2, 2), "b0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));
        qemu.events(1);
        return kvm.expectMessageClass(KvmProtocol.InstallBlob.class).blob();
    }

    private StepDone setUp(QemuConfig config) {
        Peers peers = new Peers(
                kvm.ref(),
                qemu.ref(),
                kit.createTestProbe(GpuProtocol.Command.class).ref());
        RunSetup setup = Runs.setup(
                "run-1",
                Runs.SEED,
                config,
                MigrationPolicy.STATUS_QUO,
                qemu.traceDir().toString(),
                peers);
        return qemu.step(new NodeCommand.Setup(setup, qemu.replyTo()));
    }
}
