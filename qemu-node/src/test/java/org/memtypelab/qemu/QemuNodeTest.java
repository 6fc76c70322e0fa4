package org.memtypelab.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuModel;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.trace.TraceWriter;

/** qemu-node as an actor: imports dma-bufs, hands blob memslots to kvm-node, answers migration's questions. */
class QemuNodeTest {

    private static final Duration QUIET = Duration.ofMillis(200);
    private static final long INCARNATION = 3;
    private static final long MIB2 = 2L << 20;
    private static final long GPA = 0x1_0000_0000L;
    private static final DmaBuf B0 =
            new DmaBuf("b0", MIB2, new BufferProfile(Backing.RAM, Optional.of(MemType.WC), MemType.WC, GpuSnoop.SNOOP));

    static ActorTestKit kit;

    @TempDir
    Path traceDir;

    private TestProbe<MonitorProtocol.Command> monitor;
    private TestProbe<StepDone> reply;
    private TestProbe<KvmProtocol.Command> kvm;
    private ActorRef<QemuProtocol.Command> qemu;

    @BeforeAll
    static void startSystem() {
        kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ActorTestKit.applicationTestConfig()));
    }

    @AfterAll
    static void stopSystem() {
        kit.shutdownTestKit();
    }

    @BeforeEach
    void spawnNode() {
        monitor = kit.createTestProbe(MonitorProtocol.Command.class);
        reply = kit.createTestProbe(StepDone.class);
        kvm = kit.createTestProbe(KvmProtocol.Command.class);
        qemu = kit.spawn(QemuNode.create(INCARNATION, monitor.ref()));
    }

    @Test
    void setupAnswersWithQemusVersionAndStartsTheTrace() {
        StepDone done = setUp(QemuConfig.defaults());

        assertThat(done.ok()).isTrue();
        assertThat(done.node()).isEqualTo(QemuNode.NODE);
        assertThat(done.detail()).isEqualTo("QEMU 9.2");
        assertThat(kinds(trace())).containsExactly("setup");
    }

    @Test
    void importDmaBufAnswersTheStepItselfAndEmitsNothing() {
        setUp(QemuConfig.defaults());

        StepDone done = step(new QemuProtocol.ImportDmaBuf(new Stamp(2, 4), B0, reply.ref()));

        assertThat(done.ok()).isTrue();
        assertThat(done.step()).isEqualTo(2);
        assertThat(done.detail()).isEqualTo("QEMU imported the dma-buf of b0");
        assertThat(done.lamport()).isEqualTo(5);
        assertThat(kinds(trace())).containsExactly("setup", "recv", "decide");
        monitor.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
    }

    @Test
    void mapBlobEmitsQemusMappingAndHandsTheMemslotToKvmWithTheOriginalReplyTo() {
        QemuModel oracle = new QemuModel(QemuConfig.defaults());
        oracle.importDmaBuf(B0);
        QemuModel.MapResult expected = oracle.mapBlob("b0", GPA, 0, Optional.empty());
        setUp(QemuConfig.defaults());
        step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, reply.ref()));

        qemu.tell(new QemuProtocol.MapBlob(new Stamp(2, 10), "b0", GPA, 0, Optional.empty(), reply.ref()));
        KvmProtocol.InstallBlob install = kvm.expectMessageClass(KvmProtocol.InstallBlob.class);
        List<JsonNode> trace = trace();
        Event event = events(1).get(0);

        assertThat(event.observation())
                .isEqualTo(
                        new Observation.MappingSet(new Mapping("b0", Who.QEMU, new MappingType.Cpu(MemType.WC), false)))
                .isEqualTo(expected.outcome().observations().get(0));
        assertThat(event.seq()).isEqualTo(1);
        assertThat(event.step()).isEqualTo(2);
        assertThat(event.lamport()).isGreaterThan(10);
        assertThat(install.blob()).isEqualTo(expected.slot().orElseThrow());
        assertThat(install.blob().slot()).isEqualTo(QemuModel.FIRST_BLOB_SLOT);
        assertThat(install.replyTo()).as("kvm-node answers the step").isEqualTo(reply.ref());
        assertThat(install.stamp().step()).isEqualTo(2);
        assertThat(install.stamp().lamport()).isGreaterThan(event.lamport());
        assertThat(kinds(trace)).containsExactly("setup", "recv", "decide", "recv", "decide", "event", "send");
        JsonNode send = trace.get(6);
        assertThat(send.get("what").asText()).isEqualTo("install-blob b0");
        assertThat(send.get("lamport").asLong()).isEqualTo(install.stamp().lamport());
        assertThat(trace.get(5).get("seq").asLong()).isEqualTo(1);
        reply.expectNoMessage(QUIET);
    }

    @Test
    void unmapBlobEmitsMappingGoneAndAsksKvmToRemoveTheSlot() {
        setUp(QemuConfig.defaults());
        step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, reply.ref()));
        qemu.tell(new QemuProtocol.MapBlob(new Stamp(2, 2), "b0", GPA, 0, Optional.empty(), reply.ref()));
        BlobSlot installed =
                kvm.expectMessageClass(KvmProtocol.InstallBlob.class).blob();

        qemu.tell(new QemuProtocol.UnmapBlob(new Stamp(3, 3), "b0", reply.ref()));
        KvmProtocol.RemoveBlob remove = kvm.expectMessageClass(KvmProtocol.RemoveBlob.class);
        List<Event> events = events(2);

        assertThat(remove.blob()).isEqualTo(installed);
        assertThat(remove.replyTo()).isEqualTo(reply.ref());
        assertThat(events.get(1).observation()).isEqualTo(new Observation.MappingGone("b0", Who.QEMU));
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L);
        assertThat(events.get(1).lamport()).isGreaterThan(events.get(0).lamport());
        assertThat(remove.stamp().lamport()).isGreaterThan(events.get(1).lamport());
        assertThat(trace().get(trace().size() - 1).get("what").asText()).isEqualTo("remove-blob b0");
        reply.expectNoMessage(QUIET);
    }

    @Test
    void mapBlobWithoutADmaBufFailsTheStepWithoutBotheringKvm() {
        setUp(QemuConfig.defaults());

        StepDone done = step(new QemuProtocol.MapBlob(new Stamp(1, 1), "b0", GPA, 0, Optional.empty(), reply.ref()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).contains("no dma-buf for b0");
        assertThat(kinds(trace())).containsExactly("setup", "recv", "decide");
        kvm.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
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
        step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, reply.ref()));
        qemu.tell(new QemuProtocol.MapBlob(new Stamp(2, 2), "b0", GPA, 0, Optional.empty(), reply.ref()));
        kvm.expectMessageClass(KvmProtocol.InstallBlob.class);

        StepDone done = step(new QemuProtocol.WalkMemslots(new Stamp(3, 3), "dump-guest-memory", reply.ref()));
        List<Event> events = events(2);

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
        List<JsonNode> trace = trace();
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
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void resendToSendsExactlyTheAskedSeqsToTheGivenMonitor() {
        setUp(QemuConfig.defaults());
        mapB0();
        qemu.tell(new QemuProtocol.UnmapBlob(new Stamp(3, 3), "b0", reply.ref()));
        kvm.expectMessageClass(KvmProtocol.RemoveBlob.class);
        Event gone = events(1).get(0);
        TestProbe<NodeMark> marks = kit.createTestProbe(NodeMark.class);
        qemu.tell(new NodeCommand.GetMark(marks.ref()));
        NodeMark mark = marks.receiveMessage();
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        mark.resendTo().tell(new NodeCommand.ResendTo(INCARNATION, List.of(2L), other.ref()));

        assertThat(mark).isEqualTo(new NodeMark(QemuNode.NODE, INCARNATION, 2, mark.resendTo()));
        assertThat(((Observed) other.receiveMessage()).event()).isEqualTo(gone);
        other.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        setUp(QemuConfig.defaults());
        mapB0();
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        qemu.tell(new NodeCommand.ResendTo(INCARNATION + 1, List.of(1L), other.ref()));

        other.expectNoMessage(QUIET);
    }

    @Test
    void stepsBeforeSetupAreRefused() {
        TestProbe<QemuProtocol.MigrationInfo> info = kit.createTestProbe(QemuProtocol.MigrationInfo.class);

        StepDone done = step(new QemuProtocol.MapBlob(new Stamp(1, 1), "b0", GPA, 0, Optional.empty(), reply.ref()));
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
        step(new QemuProtocol.ImportDmaBuf(new Stamp(1, 1), B0, reply.ref()));
        qemu.tell(new QemuProtocol.MapBlob(new Stamp(2, 2), "b0", GPA, 0, Optional.empty(), reply.ref()));
        events(1);
        return kvm.expectMessageClass(KvmProtocol.InstallBlob.class).blob();
    }

    private StepDone setUp(QemuConfig config) {
        Peers peers = new Peers(
                kvm.ref(), qemu, kit.createTestProbe(GpuProtocol.Command.class).ref());
        RunSetup setup = new RunSetup(
                "run-1", 42, KvmPlatform.defaults(), config, MigrationPolicy.STATUS_QUO, traceDir.toString(), peers);
        return step(new NodeCommand.Setup(setup, reply.ref()));
    }

    private StepDone step(QemuProtocol.Command command) {
        qemu.tell(command);
        return reply.receiveMessage();
    }

    private List<Event> events(int n) {
        return monitor.receiveSeveralMessages(n).stream()
                .map(m -> {
                    assertThat(m).isInstanceOf(Observed.class);
                    return ((Observed) m).event();
                })
                .toList();
    }

    private List<JsonNode> trace() {
        try {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(traceDir.resolve("trace-" + QemuNode.NODE + ".jsonl"))) {
                lines.add(TraceWriter.JSON.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> kinds(List<JsonNode> trace) {
        return trace.stream().map(l -> l.get("kind").asText()).toList();
    }
}
