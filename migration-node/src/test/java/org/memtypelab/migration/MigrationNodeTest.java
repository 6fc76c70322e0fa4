package org.memtypelab.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.Blobs.B0;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;
import static org.memtypelab.runtime.testkit.TraceFiles.decisions;
import static org.memtypelab.runtime.testkit.TraceFiles.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.NodeUnderTest;
import org.memtypelab.runtime.testkit.Runs;
import org.memtypelab.runtime.testkit.TraceFiles;

/** migration-node as an actor: asks qemu-node for blockers, then copies, saves or skips the blobs per policy. */
class MigrationNodeTest {

    private static final long INCARNATION = 2;
    private static final MappingType.Cpu VIA_QEMU = new MappingType.Cpu(MemType.WC);

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    private TestProbe<KvmProtocol.Command> kvm;
    private TestProbe<QemuProtocol.Command> qemu;
    private TestProbe<GpuProtocol.Command> gpu;
    private NodeUnderTest<MigrationProtocol.Command> migration;

    @BeforeEach
    void spawnNode() {
        kvm = kit.createTestProbe(KvmProtocol.Command.class);
        qemu = kit.createTestProbe(QemuProtocol.Command.class);
        gpu = kit.createTestProbe(GpuProtocol.Command.class);
        migration = kit.spawnNode(MigrationNode.NODE, INCARNATION, MigrationNode::create);
    }

    @Test
    void blockersFromQemuEndTheMigrationAsBlocked() {
        setUp(MigrationPolicy.STATUS_QUO);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 20), migration.replyTo()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        answer(asked, List.of("virgl is not yet migratable"), List.of(B0), 30);
        StepDone done = migration.reply().receiveMessage();

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
        List<JsonNode> trace = migration.trace();
        assertThat(kinds(trace)).containsExactly("setup", "recv", "send", "recv", "decide");
        assertThat(trace.get(1).get("from").asText()).isEqualTo("conductor");
        assertThat(trace.get(3).get("from").asText()).isEqualTo("qemu-node");
        kvm.expectNoMessage(QUIET);
        migration.monitor().expectNoMessage(QUIET);
    }

    @Test
    void rule32_qemu812CrashingInVirtioGpuSaveFailsTheMigration() {
        String crash = "QEMU 8.1.2 crashed in virtio_gpu_save: a blob resource exists and this version has no blob"
                + " migration support (DOMAIN rule 32)";
        setUp(MigrationPolicy.STATUS_QUO);

        QemuProtocol.GetMigrationInfo asked = migrate(7);
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), List.of(), List.of(), crash, 30));
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.migration()).isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, crash));
        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).isEqualTo("migration failed: " + crash);
        kvm.expectNoMessage(QUIET);
    }

    @Test
    void ramCopyStartsDirtyLogThenReadsTheBlobThroughQemusMappingAndCompletes() {
        setUp(MigrationPolicy.RAM_COPY);

        QemuProtocol.GetMigrationInfo asked = migrate(7);
        answer(asked, List.of(), List.of(B0), 50);
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        migration.monitor().expectNoMessage(QUIET); // nothing is read before KVM logs the slot's writes
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 80));
        StepDone done = migration.reply().receiveMessage();
        List<JsonNode> trace = migration.trace();
        List<Event> events = migration.events(3);

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

        answer(migrate(3), List.of(), List.of(), 2);
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 0 blob(s)");
        kvm.expectNoMessage(QUIET);
        migration.monitor().expectNoMessage(QUIET);
    }

    @Test
    void kvmRefusingDirtyLogFailsTheMigration() {
        setUp(MigrationPolicy.RAM_COPY);

        KvmProtocol.StartDirtyLog dirtyLog = migrateB0(7);
        dirtyLog.replyTo().tell(kvmFailed(dirtyLog, "memslot 10 of b0 is gone", 9, "start-dirty-log b0"));
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.ok()).isFalse();
        assertThat(done.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, "memslot 10 of b0 is gone"));
        migration.monitor().expectNoMessage(QUIET);
    }

    @Test
    void blobAsGpuStateLetsTheGpuProcessSaveTheBlobs() {
        setUp(MigrationPolicy.BLOB_AS_GPU_STATE);

        answer(migrate(7), List.of(), List.of(B0), 2);
        GpuProtocol.SaveBlobs save = gpu.expectMessageClass(GpuProtocol.SaveBlobs.class);
        save.replyTo().tell(StepDone.of(save.stamp(), "gpu-process-node", true, "saved 1 blob(s)", 10));
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("saved 1 blob(s) (DOMAIN 9 option 7)");
        assertThat(done.lamport()).isGreaterThan(10);
        kvm.expectNoMessage(QUIET);
        migration.monitor().expectNoMessage(QUIET);
    }

    @Test
    void aSecondMigrateWhileOneRunsFailsAndLeavesTheFirstAlone() {
        setUp(MigrationPolicy.RAM_COPY);
        QemuProtocol.GetMigrationInfo asked = migrate(7);

        migration.tell(new MigrationProtocol.Migrate(new Stamp(8, 1), migration.replyTo()));
        StepDone second = migration.reply().receiveMessage();
        answer(asked, List.of(), List.of(), 2);
        StepDone first = migration.reply().receiveMessage();

        assertThat(second.step()).isEqualTo(8);
        assertThat(second.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, "a migration is already running"));
        assertThat(first.step()).isEqualTo(7);
        assertThat(first.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void migrateBeforeSetupFails() {
        migration.tell(new MigrationProtocol.Migrate(new Stamp(1, 1), migration.replyTo()));
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.ok()).isFalse();
        assertThat(done.migration())
                .isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, "migration-node has no run set up"));
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void qemusLateAnswerAfterANewSetupDoesNotKillTheNode() {
        setUp(MigrationPolicy.RAM_COPY);
        QemuProtocol.GetMigrationInfo stale = migrate(7);
        setUp(MigrationPolicy.RAM_COPY);

        // no run is waiting for it: ignored
        answer(stale, List.of(), List.of(B0), 2);
        kvm.expectNoMessage(QUIET);
        migration.reply().expectNoMessage(QUIET);
        answer(migrate(1), List.of("virgl is not yet migratable"), List.of(), 2);
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.BLOCKED);
    }

    @Test
    void qemusLateAnswerArrivingInAnotherPhaseDoesNotDecideTheCurrentMigration() {
        setUp(MigrationPolicy.RAM_COPY);
        QemuProtocol.GetMigrationInfo stale = migrate(7);
        setUp(MigrationPolicy.RAM_COPY);
        KvmProtocol.StartDirtyLog dirtyLog = migrateB0(1);

        // the current run waits for KVM, not for QEMU: the earlier run's blocker decides nothing
        answer(stale, List.of("virgl is not yet migratable"), List.of(), 2);
        migration.reply().expectNoMessage(QUIET);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 1 blob(s)");
        assertThat(migration.events(3)).extracting(Event::step).containsOnly(1);
        kvm.expectNoMessage(QUIET);
    }

    @Test
    void kvmsLateDirtyLogAnswerAfterANewSetupCopiesNothing() {
        setUp(MigrationPolicy.RAM_COPY);
        KvmProtocol.StartDirtyLog stale = migrateB0(7);
        setUp(MigrationPolicy.RAM_COPY);

        // it answers the very request the earlier run sent, but no run is waiting for it
        stale.replyTo().tell(dirtyLogOn(stale, 4));
        migration.monitor().expectNoMessage(QUIET);
        migration.reply().expectNoMessage(QUIET);
        answer(migrate(1), List.of(), List.of(), 2);
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 0 blob(s)");
    }

    @Test
    void kvmsLateDirtyLogAnswerDuringTheInfoPhaseCopiesNothing() {
        setUp(MigrationPolicy.RAM_COPY);
        KvmProtocol.StartDirtyLog stale = migrateB0(7);
        setUp(MigrationPolicy.RAM_COPY);
        QemuProtocol.GetMigrationInfo asked = migrate(1);

        // the current run waits for QEMU: a dirty-log answer, even for the blob it will copy, is not for this phase
        stale.replyTo().tell(dirtyLogOn(stale, 4));
        migration.monitor().expectNoMessage(QUIET);
        migration.reply().expectNoMessage(QUIET);
        answer(asked, List.of(), List.of(B0), 5);
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        migration.monitor().expectNoMessage(QUIET); // still nothing read before KVM logs this run's writes
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 9));
        StepDone done = migration.reply().receiveMessage();

        assertThat(dirtyLog.stamp().step()).isEqualTo(1);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(migration.events(3)).extracting(Event::step).containsOnly(1);
        migration.monitor().expectNoMessage(QUIET);
    }

    @Test
    void aDirtyLogAnswerToAnotherCommandIsIgnored() {
        setUp(MigrationPolicy.RAM_COPY);
        KvmProtocol.StartDirtyLog dirtyLog = migrateB0(7);

        dirtyLog.replyTo().tell(kvmFailed(dirtyLog, "memslot 11 of b1 is gone", 5, "start-dirty-log b1"));
        dirtyLog.replyTo().tell(kvmFailed(dirtyLog, "no slot", 5, "guest-map b0"));
        migration.reply().expectNoMessage(QUIET);
        migration.monitor().expectNoMessage(QUIET);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 6));
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(migration.events(3)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        migration.monitor().expectNoMessage(QUIET);
    }

    @Test
    void anUnansweredRequestIsSentAgainAfterAnAttemptAndARepeatedAnswerCopiesOnce() {
        setUp(MigrationPolicy.RAM_COPY);
        KvmProtocol.StartDirtyLog first = migrateB0(7);

        kvm.expectNoMessage(MigrationNode.ATTEMPT.minusMillis(500)); // not before the attempt is over
        KvmProtocol.StartDirtyLog again = kvm.expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), first);
        // KVM answers the repeat as it answered the first (its journal dedupes), so both answers arrive
        again.replyTo().tell(dirtyLogOn(again, 6));
        first.replyTo().tell(dirtyLogOn(first, 6));
        StepDone done = migration.reply().receiveMessage();
        List<Event> events = migration.events(3);

        assertThat(again.stamp())
                .as("the same request, so KVM can tell it is a repeat")
                .isEqualTo(first.stamp());
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).contains("copied 1 blob(s)");
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        migration.monitor().expectNoMessage(QUIET);
        migration.reply().expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        assertThat(decisions(migration.trace()))
                .containsExactly("retrying start-dirty-log b0 (attempt 2)", done.detail());
    }

    @Test
    void aRequestUnansweredForAllAttemptsFailsTheMigration() {
        setUp(MigrationPolicy.RAM_COPY);
        QemuProtocol.GetMigrationInfo asked = migrate(7);

        for (int attempt = 2; attempt <= MigrationNode.ATTEMPTS; attempt++) {
            qemu.expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), asked);
            migration.reply().expectNoMessage(Duration.ZERO);
        }
        StepDone done = migration.reply().receiveMessage(MigrationNode.ATTEMPT.plusSeconds(1));

        String reason = "no answer to migration-info after " + MigrationNode.ATTEMPTS + " attempts of "
                + MigrationNode.ATTEMPT.toMillis() + " ms";
        assertThat(done.step()).isEqualTo(7);
        assertThat(done.ok()).isFalse();
        assertThat(done.migration()).isEqualTo(new MigrationOutcome(MigrationOutcome.Status.FAILED, reason));
        assertThat(decisions(migration.trace()))
                .containsExactly(
                        "retrying migration-info (attempt 2)",
                        "retrying migration-info (attempt 3)",
                        "retrying migration-info (attempt 4)",
                        "retrying migration-info (attempt 5)",
                        "migration failed: " + reason);
        // the migration is over: no more attempts, and an answer now decides nothing
        answer(asked, List.of(), List.of(B0), 2);
        qemu.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        migration.reply().expectNoMessage(QUIET);
    }

    @Test
    void aRetryGoesToThePeersHandedOutAfterARestart() {
        setUp(MigrationPolicy.RAM_COPY);
        QemuProtocol.GetMigrationInfo asked = migrate(7);
        TestProbe<QemuProtocol.Command> restarted = kit.createTestProbe(QemuProtocol.Command.class);

        migration.tell(new NodeCommand.NewPeers(new Peers(kvm.ref(), restarted.ref(), gpu.ref()), migration.replyTo()));
        assertThat(migration.reply().receiveMessage().detail()).isEqualTo("peers updated");
        restarted
                .expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), asked)
                .replyTo()
                .tell(new QemuProtocol.MigrationInfo(7, List.of(), List.of(), 2));
        StepDone done = migration.reply().receiveMessage();

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void aRepeatedMigrateStartsNoSecondMigrationAndGetsTheSameAnswerAgain() {
        setUp(MigrationPolicy.RAM_COPY);
        MigrationProtocol.Migrate migrate = new MigrationProtocol.Migrate(new Stamp(7, 1), migration.replyTo());
        migration.tell(migrate);
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);

        // while it runs: what it sent so far is sent again, nothing new starts and nothing fails
        migration.tell(migrate);
        assertThat(qemu.receiveMessage()).isEqualTo(asked);
        migration.reply().expectNoMessage(QUIET);
        answer(asked, List.of(), List.of(B0), 2);
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
        StepDone done = migration.reply().receiveMessage();
        migration.events(3);

        // once finished: the same final answer again, and the requests it had sent (same stamps), nothing more
        migration.tell(migrate);
        StepDone again = migration.reply().receiveMessage();
        assertThat(qemu.receiveMessage()).isEqualTo(asked);
        assertThat(kvm.receiveMessage()).isEqualTo(dirtyLog);
        // the peers answer their repeats too: no run waits for them
        answer(asked, List.of(), List.of(B0), 2);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));

        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(again).isEqualTo(done);
        migration.reply().expectNoMessage(QUIET);
        migration.monitor().expectNoMessage(QUIET);
        qemu.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        List<JsonNode> trace = migration.trace();
        assertThat(kinds(trace)).filteredOn("duplicate"::equals).hasSize(2);
        assertThat(kinds(trace)).filteredOn("send"::equals).hasSize(2);
        assertThat(decisions(trace)).containsExactly(done.detail());
    }

    @Test
    void aRepeatOfTheFirstMigrateGetsItsAnswerEvenAfterASecondMigrateWasRefused() {
        setUp(MigrationPolicy.RAM_COPY);
        MigrationProtocol.Migrate firstMigrate = new MigrationProtocol.Migrate(new Stamp(7, 1), migration.replyTo());
        MigrationProtocol.Migrate secondMigrate = new MigrationProtocol.Migrate(new Stamp(8, 1), migration.replyTo());
        migration.tell(firstMigrate);
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        migration.tell(secondMigrate);
        StepDone second = migration.reply().receiveMessage();
        answer(asked, List.of(), List.of(), 2);
        StepDone first = migration.reply().receiveMessage();

        migration.tell(firstMigrate);
        StepDone firstAgain = migration.reply().receiveMessage();
        migration.reply().expectNoMessage(QUIET);
        migration.tell(secondMigrate);
        StepDone secondAgain = migration.reply().receiveMessage();
        migration.reply().expectNoMessage(QUIET);

        assertThat(second.step()).isEqualTo(8);
        assertThat(first.step()).isEqualTo(7);
        assertThat(firstAgain).isEqualTo(first);
        assertThat(secondAgain).isEqualTo(second);
    }

    @Test
    void resendToSendsExactlyTheAskedSeqsToTheGivenMonitor() {
        List<Event> sent = copyB0UnderRamCopy();

        migration.assertResends(kit.mark(migration.ref()), INCARNATION, 3, List.of(2L), List.of(sent.get(1)));
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        copyB0UnderRamCopy();

        migration.assertResends(migration.ref(), INCARNATION + 1, List.of(1L, 2L, 3L), List.of());
    }

    @Test
    void aTraceFailureMidMigrationRestartsTheNodeAndTheMigrationGoesOn() {
        setUp(MigrationPolicy.RAM_COPY);
        MigrationProtocol.Migrate migrate = new MigrationProtocol.Migrate(new Stamp(7, 1), migration.replyTo());
        migration.tell(migrate);
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        String unwritable = TraceFiles.unwritableDir(migration.traceDir());

        // the new run's trace cannot be opened: the actor fails and restarts; the Setup is not answered
        migration.tell(
                new NodeCommand.Setup(setup("run-2", MigrationPolicy.STATUS_QUO, unwritable), migration.replyTo()));
        migration.tell(migrate);
        QemuProtocol.Command resent = qemu.receiveMessage();
        // the restart cancelled the attempt's timer; the migration it kept starts it again
        QemuProtocol.GetMigrationInfo retried =
                (QemuProtocol.GetMigrationInfo) qemu.expectMessage(MigrationNode.ATTEMPT.plusSeconds(1), asked);
        answer(retried, List.of(), List.of(B0), 2);
        KvmProtocol.StartDirtyLog dirtyLog = kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
        StepDone done = migration.reply().receiveMessage();

        assertThat(resent)
                .as("a repeated Migrate after the restart starts nothing new")
                .isEqualTo(asked);
        assertThat(done.step()).isEqualTo(7);
        assertThat(done.migration().status()).isEqualTo(MigrationOutcome.Status.COMPLETED);
        assertThat(done.detail()).as("the run's ram-copy policy survived").contains("copied 1 blob(s)");
        assertThat(migration.events(3)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(decisions(migration.trace())).containsExactly("retrying migration-info (attempt 2)", done.detail());
        migration.reply().expectNoMessage(QUIET);
    }

    /** A completed ram-copy migration of b0: three events, consumed from the monitor probe and returned. */
    private List<Event> copyB0UnderRamCopy() {
        setUp(MigrationPolicy.RAM_COPY);
        KvmProtocol.StartDirtyLog dirtyLog = migrateB0(7);
        dirtyLog.replyTo().tell(dirtyLogOn(dirtyLog, 4));
        assertThat(migration.reply().receiveMessage().migration().status())
                .isEqualTo(MigrationOutcome.Status.COMPLETED);
        return migration.events(3);
    }

    private StepDone setUp(MigrationPolicy policy) {
        StepDone done = migration.step(new NodeCommand.Setup(
                setup("run-1", policy, migration.traceDir().toString()), migration.replyTo()));
        assertThat(done.ok()).isTrue();
        assertThat(done.detail()).isEqualTo("migration policy " + policy.label());
        return done;
    }

    private RunSetup setup(String runId, MigrationPolicy policy, String traceDir) {
        Peers peers = new Peers(kvm.ref(), qemu.ref(), gpu.ref());
        return Runs.setup(runId, Runs.SEED, QemuConfig.defaults(), policy, traceDir, peers);
    }

    /** Starts a migration at {@code step}; returns the question qemu-node gets about blockers and blobs. */
    private QemuProtocol.GetMigrationInfo migrate(int step) {
        migration.tell(new MigrationProtocol.Migrate(new Stamp(step, 1), migration.replyTo()));
        return qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
    }

    /** qemu-node's answer to {@code asked}, sent at QEMU's clock {@code lamport}. */
    private static void answer(
            QemuProtocol.GetMigrationInfo asked, List<String> blockers, List<BlobSlot> blobs, long lamport) {
        asked.replyTo().tell(new QemuProtocol.MigrationInfo(asked.stamp().step(), blockers, blobs, lamport));
    }

    /** Starts a migration at {@code step} that nothing blocks, with b0 to copy; returns kvm-node's dirty-log request. */
    private KvmProtocol.StartDirtyLog migrateB0(int step) {
        answer(migrate(step), List.of(), List.of(B0), 2);
        return kvm.expectMessageClass(KvmProtocol.StartDirtyLog.class);
    }

    /** KVM's failure answer to {@code asked}, naming the command it answers ({@code answering}). */
    private static StepDone kvmFailed(KvmProtocol.StartDirtyLog asked, String detail, long lamport, String answering) {
        return StepDone.of(asked.stamp(), "kvm-node", false, detail, lamport).answering(answering);
    }

    /** KVM's answer to {@code asked}: dirty logging on, naming the command it answers. */
    private static StepDone dirtyLogOn(KvmProtocol.StartDirtyLog asked, long lamport) {
        return StepDone.of(asked.stamp(), "kvm-node", true, "dirty logging on", lamport)
                .answering("start-dirty-log " + asked.blob().buffer());
    }
}
