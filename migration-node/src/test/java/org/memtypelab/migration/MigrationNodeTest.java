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
import org.memtypelab.runtime.trace.TraceWriter;

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
        asked.replyTo()
                .tell(new QemuProtocol.MigrationInfo(
                        asked.stamp().step(), List.of("virgl is not yet migratable"), List.of(B0), 30));
        StepDone done = reply.receiveMessage();

        assertThat(asked.policy()).isEqualTo(MigrationPolicy.STATUS_QUO);
        assertThat(asked.stamp()).isEqualTo(new Stamp(7, 22, MigrationNode.NODE, "run-1"));
        assertThat(done.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.BLOCKED, "virgl is not yet migratable"));
        assertThat(done.ok())
                .as("a blocked migration is an answer, not a failure")
                .isTrue();
        assertThat(done.step()).isEqualTo(7);
        assertThat(done.lamport()).isEqualTo(31);
        assertThat(done.answers()).isEqualTo("migrate");
        List<JsonNode> trace = trace();
        assertThat(kinds(trace)).containsExactly("setup", "recv", "send", "recv", "decide");
        assertThat(trace.get(1).get("from").asText()).isEqualTo("conductor");
        assertThat(trace.get(3).get("from").asText()).isEqualTo("qemu-node");
        kvm.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void ramCopyStartsDirtyLogThenReadsTheBlobThroughQemusMappingAndCompletes() {
        setUp(MigrationPolicy.RAM_COPY);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(B0), 50));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        monitor.expectNoMessage(QUIET); // nothing is read before KVM logs the slot's writes
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 80));
        StepDone done = reply.receiveMessage();
        List<JsonNode> trace = trace();
        List<Event> events = events(3);

        assertThat(asked.policy()).isEqualTo(MigrationPolicy.RAM_COPY);
        assertThat(dirtyLog.blob()).isEqualTo(B0);
        assertThat(dirtyLog.stamp().lamport()).as("after QEMU's clock").isGreaterThan(50);
        assertThat(dirtyLog.stamp().from()).isEqualTo(MigrationNode.NODE);
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
                .tell(new QemuProtocol.MigrationInfo(3, List.of(), List.of(), 2));
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
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        dirtyLog.replyTo()
                .tell(StepDone.of(dirtyLog.stamp(), "kvm-node", false, "memslot 10 of b0 is gone", 9)
                        .answering("start-dirty-log b0"));
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
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
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
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(), 2));
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

        // no run is waiting for it: ignored
        stale.replyTo().tell(new QemuProtocol.MigrationInfo(stale.stamp().step(), List.of(), List.of(B0), 2));
        kvm.expectNoMessage(QUIET);
        reply.expectNoMessage(QUIET);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(1, List.of("virgl is not yet migratable"), List.of(), 2));
        StepDone done = reply.receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.BLOCKED);
    }

    @Test
    void qemusLateAnswerArrivingInAnotherPhaseDoesNotDecideTheCurrentMigration() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo stale = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(1, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);

        // the current run waits for KVM, not for QEMU: the earlier run's blocker decides nothing
        stale.replyTo()
                .tell(new QemuProtocol.MigrationInfo(
                        stale.stamp().step(), List.of("virgl is not yet migratable"), List.of(), 2));
        reply.expectNoMessage(QUIET);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
        StepDone done = reply.receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 1 blob(s)");
        assertThat(events(3)).extracting(Event::step).containsOnly(1);
        kvm.expectNoMessage(QUIET);
    }

    @Test
    void kvmsLateDirtyLogAnswerAfterANewSetupCopiesNothing() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog stale = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        setUp(MigrationPolicy.RAM_COPY);

        // it answers the very request the earlier run sent, but no run is waiting for it
        stale.replyTo().tell(dirtyLogOn(stale, 4));
        monitor.expectNoMessage(QUIET);
        reply.expectNoMessage(QUIET);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(1, List.of(), List.of(), 2));
        StepDone done = reply.receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 0 blob(s)");
    }

    @Test
    void kvmsLateDirtyLogAnswerDuringTheInfoPhaseCopiesNothing() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog stale = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);

        // the current run waits for QEMU: a dirty-log answer, even for the blob it will copy, is not for this phase
        stale.replyTo().tell(dirtyLogOn(stale, 4));
        monitor.expectNoMessage(QUIET);
        reply.expectNoMessage(QUIET);
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(B0), 5));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        monitor.expectNoMessage(QUIET); // still nothing read before KVM logs this run's writes
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 9));
        StepDone done = reply.receiveMessage();

        assertThat(dirtyLog.stamp().step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(events(3)).extracting(Event::step).containsOnly(1);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void aDirtyLogAnswerToAnotherCommandIsIgnored() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);

        dirtyLog.replyTo()
                .tell(StepDone.of(dirtyLog.stamp(), "kvm-node", false, "memslot 11 of b1 is gone", 5)
                        .answering("start-dirty-log b1"));
        dirtyLog.replyTo()
                .tell(StepDone.of(dirtyLog.stamp(), "kvm-node", false, "no slot", 5)
                        .answering("guest-map b0"));
        reply.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 6));
        StepDone done = reply.receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(events(3)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void anUnansweredRequestIsSentAgainAfterAnAttemptAndARepeatedAnswerCopiesOnce() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog first = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);

        kvm.expectNoMessage(MigrationNode.ATTEMPT.minusMillis(500)); // not before the attempt is over
        KvmProtocol.StartDirtyLog again = kvm.expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), first);
        // KVM answers the repeat as it answered the first (its journal dedupes), so both answers arrive
        again.replyTo().tell(dirtyLogOn(again, 6));
        first.replyTo().tell(dirtyLogOn(first, 6));
        StepDone done = reply.receiveMessage();
        List<Event> events = events(3);

        assertThat(again.stamp())
                .as("the same request, so KVM can tell it is a repeat")
                .isEqualTo(first.stamp());
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 1 blob(s)");
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        monitor.expectNoMessage(QUIET);
        reply.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        assertThat(decisions(trace())).containsExactly("retrying start-dirty-log b0 (attempt 2)", done.detail());
    }

    @Test
    void aRequestUnansweredForAllAttemptsFailsTheMigration() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);

        for (int attempt = 2; attempt <= MigrationNode.ATTEMPTS; attempt++) {
            qemu.expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), asked);
            reply.expectNoMessage(Duration.ZERO);
        }
        StepDone done = reply.receiveMessage(MigrationNode.ATTEMPT.plusSeconds(1));

        String reason = "no answer to migration-info after " + MigrationNode.ATTEMPTS + " attempts of "
                + MigrationNode.ATTEMPT.toMillis() + " ms";
        assertThat(done.step()).isEqualTo(7);
        assertThat(done.ok()).isFalse();
        assertThat(done.migration()).isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, reason));
        assertThat(decisions(trace()))
                .containsExactly(
                        "retrying migration-info (attempt 2)",
                        "retrying migration-info (attempt 3)",
                        "retrying migration-info (attempt 4)",
                        "retrying migration-info (attempt 5)",
                        "migration failed: " + reason);
        // the migration is over: no more attempts, and an answer now decides nothing
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(B0), 2));
        qemu.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        reply.expectNoMessage(QUIET);
    }

    @Test
    void aRetryGoesToThePeersHandedOutAfterARestart() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        TestProbe<QemuProtocol.Command> restarted = kit.createTestProbe(QemuProtocol.Command.class);

        migration.tell(new NodeCommand.NewPeers(new Peers(kvm.ref(), restarted.ref(), gpu.ref()), reply.ref()));
        assertThat(reply.receiveMessage().detail()).isEqualTo("peers updated");
        restarted
                .expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), asked)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(), 2));
        StepDone done = reply.receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void aRepeatedMigrateStartsNoSecondMigrationAndGetsTheSameAnswerAgain() {
        setUp(MigrationPolicy.RAM_COPY);
        MigrationProtocol.Migrate migrate = new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref());
        migration.tell(migrate);
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);

        // while it runs: what it sent so far is sent again, nothing new starts and nothing fails
        migration.tell(migrate);
        assertThat(qemu.receiveMessage()).isEqualTo(asked);
        reply.expectNoMessage(QUIET);
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
        StepDone done = reply.receiveMessage();
        events(3);

        // once finished: the same final answer again, and the requests it had sent (same stamps), nothing more
        migration.tell(migrate);
        StepDone again = reply.receiveMessage();
        assertThat(qemu.receiveMessage()).isEqualTo(asked);
        assertThat(kvm.receiveMessage()).isEqualTo(dirtyLog);
        // the peers answer their repeats too: no run waits for them
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(B0), 2));
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(again).isEqualTo(done);
        reply.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
        qemu.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        List<JsonNode> trace = trace();
        assertThat(kinds(trace)).filteredOn("duplicate"::equals).hasSize(2);
        assertThat(kinds(trace)).filteredOn("send"::equals).hasSize(2);
        assertThat(decisions(trace)).containsExactly(done.detail());
    }

    @Test
    void aRepeatOfTheFirstMigrateGetsItsAnswerEvenAfterASecondMigrateWasRefused() {
        setUp(MigrationPolicy.RAM_COPY);
        MigrationProtocol.Migrate firstMigrate = new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref());
        MigrationProtocol.Migrate secondMigrate = new MigrationProtocol.Migrate(new Stamp(8, 1), reply.ref());
        migration.tell(firstMigrate);
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        migration.tell(secondMigrate);
        StepDone second = reply.receiveMessage();
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(), 2));
        StepDone first = reply.receiveMessage();

        migration.tell(firstMigrate);
        StepDone firstAgain = reply.receiveMessage();
        reply.expectNoMessage(QUIET);
        migration.tell(secondMigrate);
        StepDone secondAgain = reply.receiveMessage();
        reply.expectNoMessage(QUIET);

        assertThat(second.step()).isEqualTo(8);
        assertThat(first.step()).isEqualTo(7);
        assertThat(firstAgain).isEqualTo(first);
        assertThat(secondAgain).isEqualTo(second);
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
        assertThat(((Observed) other.receiveMessage()).event()).isEqualTo(sent.get(1));
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

    @Test
    void aTraceFailureMidMigrationRestartsTheNodeAndTheMigrationGoesOn() throws IOException {
        setUp(MigrationPolicy.RAM_COPY);
        MigrationProtocol.Migrate migrate = new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref());
        migration.tell(migrate);
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        String unwritable = Files.createFile(traceDir.resolve("not-a-dir"))
                .resolve("traces")
                .toString();

        // the new run's trace cannot be opened: the actor fails and restarts; the Setup is not answered
        migration.tell(new NodeCommand.Setup(
                new RunSetup(
                        "run-2",
                        42,
                        KvmPlatform.defaults(),
                        QemuConfig.defaults(),
                        MigrationPolicy.STATUS_QUO,
                        unwritable,
                        new Peers(kvm.ref(), qemu.ref(), gpu.ref())),
                reply.ref()));
        migration.tell(migrate);
        QemuProtocol.Command resent = qemu.receiveMessage();
        // the restart cancelled the attempt's timer; the migration it kept starts it again
        QemuProtocol.GetMigrationInfo retried =
                (QemuProtocol.GetMigrationInfo) qemu.expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), asked);
        retried.replyTo().tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
        StepDone done = reply.receiveMessage();

        assertThat(resent)
                .as("a repeated Migrate after the restart starts nothing new")
                .isEqualTo(asked);
        assertThat(done.step()).isEqualTo(7);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).as("the run's ram-copy policy survived").contains("copied 1 blob(s)");
        assertThat(events(3)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(decisions(trace())).containsExactly("retrying migration-info (attempt 2)", done.detail());
        reply.expectNoMessage(QUIET);
    }

    /** A completed ram-copy migration of b0: three events, consumed from the monitor probe and returned. */
    private List<Event> copyB0UnderRamCopy() {
        setUp(MigrationPolicy.RAM_COPY);
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 1), reply.ref()));
        qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(B0), 2));
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
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

    /** KVM's answer to {@code asked}: dirty logging on, naming the command it answers. */
    private static StepDone dirtyLogOn(KvmProtocol.StartDirtyLog asked, long lamport) {
        return StepDone.of(asked.stamp(), "kvm-node", true, "dirty logging on", lamport)
                .answering("start-dirty-log " + asked.blob().buffer());
    }

    private static List<String> decisions(List<JsonNode> trace) {
        return trace.stream()
                .filter(l -> l.get("kind").asText().equals("decide"))
                .map(l -> l.get("detail").asText())
                .toList();
    }

    private static List<String> kinds(List<JsonNode> trace) {
        return trace.stream().map(l -> l.get("kind").asText()).toList();
    }
}
