package org.memtypelab.migration;

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
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.protocol.trace.TraceWriter;

/** migration-node as an actor: asks qemu-node for blockers, then copies, saves or skips the blobs per policy. */
class MigrationNodeTest {

    private static final Duration QUIET = Duration.ofMillis(200);
    private static final long INCARNATION = 2;
    private static final BlobSlot B0 = new BlobSlot(
            "b0",
            10,
            0x1_0000_0000L,
            2L << 20,
            0x7f00_0000_0000L,
            0,
            Optional.empty(),
            MemType.WC,
            Backing.RAM,
            MemType.WC,
            false);
    private static final MappingType.Cpu VIA_QEMU = new MappingType.Cpu(MemType.WC);

    static ActorTestKit kit;

    @TempDir
    Path traceDir;

    private TestProbe<MonitorProtocol.Command> monitor;
    private TestProbe<StepDone> reply;
    private TestProbe<KvmProtocol.Command> kvm;
    private TestProbe<QemuProtocol.Command> qemu;
    private TestProbe<GpuProtocol.Command> gpu;
    private ActorRef<MigrationProtocol.Command> migration;

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
        qemu = kit.createTestProbe(QemuProtocol.Command.class);
        gpu = kit.createTestProbe(GpuProtocol.Command.class);
        migration = kit.spawn(MigrationNode.create(INCARNATION, monitor.ref()));
    }

    @Test
    void blockersFromQemuEndTheMigrationAsBlocked() {
        setUp(MigrationPolicy.STATUS_QUO);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 20), reply.ref()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(List.of("virgl is not yet migratable"), List.of(B0), 30));
        StepDone done = reply.receiveMessage();

        assertThat(asked.policy()).isEqualTo(MigrationPolicy.STATUS_QUO);
        assertThat(asked.stamp()).isEqualTo(new Stamp(7, 22));
        assertThat(done.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.BLOCKED, "virgl is not yet migratable"));
        assertThat(done.ok())
                .as("a blocked migration is an answer, not a failure")
                .isTrue();
        assertThat(done.step()).isEqualTo(7);
        assertThat(done.lamport()).isEqualTo(31);
        assertThat(kinds(trace())).containsExactly("setup", "recv", "send", "recv", "decide");
        kvm.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void ramCopyStartsDirtyLogThenReadsTheBlobThroughQemusMappingAndCompletes() {
        setUp(MigrationPolicy.RAM_COPY);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(List.of(), List.of(B0), 50));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        monitor.expectNoMessage(QUIET); // nothing is read before KVM logs the slot's writes
        dirtyLog.replyTo().tell(StepDone.of(new Stamp(7, 0), "kvm-node", true, "dirty logging on", 80));
        StepDone done = reply.receiveMessage();
        List<JsonNode> trace = trace();
        List<Event> events = events(3);

        assertThat(asked.policy()).isEqualTo(MigrationPolicy.RAM_COPY);
        assertThat(dirtyLog.blob()).isEqualTo(B0);
        assertThat(dirtyLog.stamp().lamport()).as("after QEMU's clock").isGreaterThan(50);
        assertThat(events)
                .extracting(Event::observation)
                .containsExactly(
                        new Observation.MappingSet(new Mapping("b0", Who.MIGRATION, VIA_QEMU, true)),
                        new Observation.Access("b0", Who.MIGRATION, VIA_QEMU, false, 0, 0),
                        new Observation.MappingGone("b0", Who.MIGRATION));
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(events).extracting(Event::step).containsOnly(7);
        assertThat(events).extracting(Event::lamport).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(0).lamport()).as("after KVM's clock").isGreaterThan(80);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 1 blob(s) through QEMU's mapping");
        assertThat(done.ok()).isTrue();
        assertThat(kinds(trace))
                .containsExactly("setup", "recv", "send", "recv", "send", "recv", "event", "event", "event", "decide");
        assertThat(trace.get(4).get("what").asText()).isEqualTo("start-dirty-log b0 to kvm-node");
        assertThat(trace.get(5).get("what").asText()).isEqualTo("kvm-node done");
        assertThat(trace.get(9).get("detail").asText()).isEqualTo(done.detail());
    }

    @Test
    void ramCopyWithNothingToCopyCompletesWithoutKvm() {
        setUp(MigrationPolicy.RAM_COPY);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(3, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(List.of(), List.of(), 2));
        StepDone done = reply.receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 0 blob(s)");
        kvm.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void kvmRefusingDirtyLogFailsTheMigration() {
        setUp(MigrationPolicy.RAM_COPY);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(List.of(), List.of(B0), 2));
        kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class)
                .replyTo()
                .tell(StepDone.of(new Stamp(7, 0), "kvm-node", false, "memslot 10 of b0 is gone", 9));
        StepDone done = reply.receiveMessage();

        assertThat(done.ok()).isFalse();
        assertThat(done.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, "memslot 10 of b0 is gone"));
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void blobAsGpuStateLetsTheGpuProcessSaveTheBlobs() {
        setUp(MigrationPolicy.BLOB_AS_GPU_STATE);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(List.of(), List.of(B0), 2));
        GpuProtocol.SaveBlobs save = gpu.expectMessageClass(GpuProtocol.SaveBlobs.class);
        save.replyTo().tell(StepDone.of(save.stamp(), "gpu-process-node", true, "saved 1 blob(s)", 10));
        StepDone done = reply.receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("saved 1 blob(s) (DOMAIN 9 option 7)");
        assertThat(done.lamport()).isGreaterThan(10);
        kvm.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void aSecondMigrateWhileOneRunsFailsAndLeavesTheFirstAlone() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(8, 1), reply.ref()));
        StepDone second = reply.receiveMessage();
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(List.of(), List.of(), 2));
        StepDone first = reply.receiveMessage();

        assertThat(second.step()).isEqualTo(8);
        assertThat(second.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, "a migration is already running"));
        assertThat(first.step()).isEqualTo(7);
        assertThat(first.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void migrateBeforeSetupFails() {
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        StepDone done = reply.receiveMessage();

        assertThat(done.ok()).isFalse();
        assertThat(done.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, "migration-node has no run set up"));
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void qemusLateAnswerAfterANewSetupDoesNotKillTheNode() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo stale = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        setUp(MigrationPolicy.RAM_COPY);

        stale.replyTo().tell(new QemuProtocol.MigrationInfo(List.of(), List.of(B0), 2));
        kvm.expectNoMessage(QUIET);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(List.of("virgl is not yet migratable"), List.of(), 2));
        StepDone done = reply.receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.BLOCKED);
    }

    @Test
    void qemusLateAnswerForAnEarlierRunDoesNotDecideTheCurrentMigration() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo stale = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo current = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);

        stale.replyTo().tell(new QemuProtocol.MigrationInfo(List.of("virgl is not yet migratable"), List.of(), 2));
        reply.expectNoMessage(QUIET);
        current.replyTo().tell(new QemuProtocol.MigrationInfo(List.of(), List.of(), 2));
        StepDone done = reply.receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
    }

    @Test
    void kvmsLateDirtyLogAnswerAfterANewSetupCopiesNothing() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog stale = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        setUp(MigrationPolicy.RAM_COPY);

        stale.replyTo().tell(StepDone.of(stale.stamp(), "kvm-node", true, "dirty logging on", 4));
        monitor.expectNoMessage(QUIET);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(List.of(), List.of(), 2));
        StepDone done = reply.receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
    }

    @Test
    void resendToSendsExactlyTheAskedSeqsToTheGivenMonitor() {
        List<Event> sent = copyB0UnderRamCopy();
        TestProbe<NodeMark> marks = kit.createTestProbe(NodeMark.class);
        migration.tell(new NodeCommand.GetMark(marks.ref()));
        NodeMark mark = marks.receiveMessage();
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        mark.resendTo().tell(new NodeCommand.ResendTo(INCARNATION, List.of(2L), other.ref()));

        assertThat(mark).isEqualTo(new NodeMark(MigrationNode.NODE, INCARNATION, 3, mark.resendTo()));
        assertThat(other.receiveMessage()).isEqualTo(new Observed(sent.get(1)));
        other.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        copyB0UnderRamCopy();
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        migration.tell(new NodeCommand.ResendTo(INCARNATION + 1, List.of(1L, 2L, 3L), other.ref()));

        other.expectNoMessage(QUIET);
    }

    /** A completed ram-copy migration of b0: three events, consumed from the monitor probe and returned. */
    private List<Event> copyB0UnderRamCopy() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(List.of(), List.of(B0), 2));
        kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class)
                .replyTo()
                .tell(StepDone.of(new Stamp(7, 0), "kvm-node", true, "dirty logging on", 4));
        assertThat(reply.receiveMessage().migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        return events(3);
    }

    private StepDone setUp(MigrationPolicy policy) {
        Peers peers = new Peers(kvm.ref(), qemu.ref(), gpu.ref());
        RunSetup setup = new RunSetup(
                "run-1", 42, KvmPlatform.defaults(), QemuConfig.defaults(), policy, traceDir.toString(), peers);
        migration.tell(new NodeCommand.Setup(setup, reply.ref()));
        StepDone done = reply.receiveMessage();
        assertThat(done.ok()).isTrue();
        assertThat(done.detail()).isEqualTo("migration policy " + policy.label());
        return done;
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
            for (String line : Files.readAllLines(traceDir.resolve("trace-" + MigrationNode.NODE + ".jsonl"))) {
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
