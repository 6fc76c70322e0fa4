package org.memtypelab.migration;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MigrationProtocol.Migrate;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeControl;
import org.memtypelab.runtime.NodeJournal;

/**
 * migration-node: the live-migration thread. Asks QEMU for blockers, then copies blob pages through QEMU's mapping
 * (ram-copy, rule 29), or lets the GPU process save them (blob-as-gpu-state), or skips them (rule 28). Its requests
 * go through the outbox like every protocol message; an unanswered request is sent again (the receiver answers a
 * repeat without acting twice) before the migration is declared failed.
 */
public final class MigrationNode extends AbstractBehavior<Object> {

    public static final String NODE = "migration-node";

    /** How long one attempt waits for an answer, and how many attempts a request gets. */
    static final Duration ATTEMPT = Duration.ofSeconds(2);

    static final int ATTEMPTS = 5;

    private enum Phase {
        INFO,
        SAVE,
        DIRTY_LOG
    }

    /** QEMU's answer to a migration-info request. */
    private record InfoArrived(QemuProtocol.MigrationInfo info) {}

    /** KVM's or the GPU process's answer. */
    private record Answered(StepDone done) {}

    /** No answer within {@link #ATTEMPT}. */
    private record AttemptTimedOut(Run run, int attempt) {}

    /** The migration in flight: the phase it waits in, the request it waits on, and the blobs left to copy. */
    private static final class Run {
        final Migrate request;
        final Deque<BlobSlot> toCopy = new ArrayDeque<>();
        final List<BlobSlot> copied = new ArrayList<>();
        Phase phase = Phase.INFO;
        String awaiting = "";
        Runnable resend = () -> {};
        int attempt;

        Run(Migrate request) {
            this.request = request;
        }
    }

    private final NodeJournal journal;
    private final NodeControl control;
    private final TimerScheduler<Object> timers;
    private final ActorRef<QemuProtocol.MigrationInfo> infoAdapter;
    private final ActorRef<StepDone> answerAdapter;
    private MigrationPolicy policy;
    private Peers peers;
    private Run run;

    public static Behavior<MigrationProtocol.Command> create(
            long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.<Object>setup(
                        ctx -> Behaviors.withTimers(timers -> new MigrationNode(ctx, timers, incarnation, monitor)))
                .narrow();
    }

    private MigrationNode(
            ActorContext<Object> ctx,
            TimerScheduler<Object> timers,
            long incarnation,
            ActorRef<MonitorProtocol.Command> monitor) {
        super(ctx);
        this.timers = timers;
        this.journal =
                new NodeJournal(NODE, incarnation, monitor, ctx.getSystem().scheduler(), ctx.getExecutionContext());
        this.control = new NodeControl(NODE, journal, ctx.getSelf().narrow(), p -> peers = p);
        this.infoAdapter = ctx.messageAdapter(QemuProtocol.MigrationInfo.class, InfoArrived::new);
        this.answerAdapter = ctx.messageAdapter(StepDone.class, Answered::new);
        ActorRef<MigrationProtocol.Command> self = ctx.getSelf().narrow();
        ctx.getSystem().receptionist().tell(Receptionist.register(MigrationProtocol.MIGRATION_KEY, self));
    }

    @Override
    public Receive<Object> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeCommand.Setup.class, this::onSetup)
                .onMessage(NodeCommand.GetMark.class, control::mark)
                .onMessage(NodeCommand.ResendTo.class, control::resend)
                .onMessage(NodeCommand.NewPeers.class, control::newPeers)
                .onMessage(Arm.class, control::arm)
                .onMessage(Migrate.class, this::onMigrate)
                .onMessage(InfoArrived.class, this::onInfo)
                .onMessage(Answered.class, this::onAnswered)
                .onMessage(AttemptTimedOut.class, this::onTimeout)
                .build();
    }

    private Behavior<Object> onSetup(NodeCommand.Setup m) {
        policy = m.setup().policy();
        peers = m.setup().peers();
        run = null;
        timers.cancelAll();
        journal.start(m.setup());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "migration policy " + policy.label(), 0));
        return this;
    }

    private Behavior<Object> onMigrate(Migrate m) {
        if (journal.command(m.stamp(), "migrate")) {
            return this; // a repeat: the journal sent again what this migration sent so far
        }
        if (policy == null || run != null) {
            String why = policy == null ? "migration-node has no run set up" : "a migration is already running";
            journal.send(
                    m.replyTo(),
                    m.stamp().from(),
                    finished(m.stamp(), MigrationOutcome.Status.FAILED, why),
                    m.stamp().step());
            return this;
        }
        run = new Run(m);
        Stamp s = journal.sending(m.stamp().step(), "migration-info to qemu-node");
        request(
                Phase.INFO,
                "migration-info",
                Peers::qemu,
                "qemu-node",
                new QemuProtocol.GetMigrationInfo(s, policy, infoAdapter));
        return this;
    }

    /**
     * Sends a request now (filed under the run's Migrate, so a repeated Migrate sends it again) and again on every
     * timeout, up to {@link #ATTEMPTS} times.
     */
    private <T> void request(
            Phase phase,
            String awaiting,
            java.util.function.Function<Peers, ActorRef<T>> to,
            String toNode,
            T message) {
        int step = run.request.stamp().step();
        run.phase = phase;
        run.awaiting = awaiting;
        // a retry goes to the peer as it is then: it may have restarted (NewPeers) in the meantime
        run.resend = () -> journal.resend(to.apply(peers), toNode, message, step);
        run.attempt = 1;
        journal.sendFor("migrate", to.apply(peers), toNode, message, step);
        timers.startSingleTimer(run, new AttemptTimedOut(run, 1), ATTEMPT);
    }

    private Behavior<Object> onTimeout(AttemptTimedOut t) {
        if (t.run() != run || t.attempt() != run.attempt) {
            return this; // answered in the meantime, or a run a new Setup cut short
        }
        if (run.attempt >= ATTEMPTS) {
            return end(
                    MigrationOutcome.Status.FAILED,
                    "no answer to " + run.awaiting + " after " + ATTEMPTS + " attempts of " + ATTEMPT.toMillis()
                            + " ms");
        }
        run.attempt++;
        journal.decided(run.request.stamp().step(), "retrying " + run.awaiting + " (attempt " + run.attempt + ")");
        run.resend.run();
        timers.startSingleTimer(run, new AttemptTimedOut(run, run.attempt), ATTEMPT);
        return this;
    }

    private Behavior<Object> onInfo(InfoArrived a) {
        if (run == null
                || run.phase != Phase.INFO
                || a.info().step() != run.request.stamp().step()) {
            return this; // a late or repeated answer, or one to another migration
        }
        timers.cancel(run);
        Stamp s = run.request.stamp();
        journal.received(new Stamp(s.step(), a.info().lamport(), "qemu-node"), "migration-info");
        if (!a.info().blockers().isEmpty()) {
            // DOMAIN rule 27: any migration attempt fails while a blocker exists.
            return end(
                    MigrationOutcome.Status.BLOCKED, String.join("; ", a.info().blockers()));
        }
        if (policy == MigrationPolicy.BLOB_AS_GPU_STATE) {
            Stamp next = journal.sending(s.step(), "save-blobs to gpu-process-node");
            request(
                    Phase.SAVE,
                    "save-blobs",
                    Peers::gpu,
                    "gpu-process-node",
                    new GpuProtocol.SaveBlobs(next, answerAdapter));
            return this;
        }
        run.toCopy.addAll(a.info().blobsToCopy());
        return copyNext();
    }

    /** Dirty logging on, then the blob's pages read through QEMU's mapping, one blob after the other. */
    private Behavior<Object> copyNext() {
        Stamp s = run.request.stamp();
        BlobSlot blob = run.toCopy.peek();
        if (blob == null) {
            List<Observation> gone = run.copied.stream()
                    .map(b -> (Observation) new Observation.MappingGone(b.buffer(), Who.MIGRATION))
                    .toList();
            journal.emit(s.step(), gone);
            String what = policy == MigrationPolicy.RAM_COPY
                    ? "copied " + run.copied.size() + " blob(s) through QEMU's mapping like RAM"
                    : "blob regions are not migratable RAM and were skipped (DOMAIN rule 28)";
            return end(MigrationOutcome.Status.COMPLETED, what);
        }
        Stamp next = journal.sending(s.step(), "start-dirty-log " + blob.buffer() + " to kvm-node");
        request(
                Phase.DIRTY_LOG,
                "start-dirty-log " + blob.buffer(),
                Peers::kvm,
                "kvm-node",
                new KvmProtocol.StartDirtyLog(next, blob, answerAdapter));
        return this;
    }

    private Behavior<Object> onAnswered(Answered a) {
        boolean expected = run != null
                && a.done().step() == run.request.stamp().step()
                && (run.phase == Phase.SAVE
                        ? a.done().node().equals("gpu-process-node")
                        : run.phase == Phase.DIRTY_LOG && a.done().answers().equals(run.awaiting));
        if (!expected) {
            return this; // a late or repeated answer to an earlier request
        }
        timers.cancel(run);
        Stamp s = run.request.stamp();
        journal.received(
                new Stamp(s.step(), a.done().lamport(), a.done().node()),
                a.done().node() + " done");
        if (!a.done().ok()) {
            return end(MigrationOutcome.Status.FAILED, a.done().detail());
        }
        if (run.phase == Phase.SAVE) {
            return end(MigrationOutcome.Status.COMPLETED, a.done().detail() + " (DOMAIN 9 option 7)");
        }
        BlobSlot blob = run.toCopy.poll();
        MappingType viaQemu = new MappingType.Cpu(blob.qemuType()); // DOMAIN rule 29
        journal.emit(
                s.step(),
                List.of(
                        new Observation.MappingSet(new Mapping(blob.buffer(), Who.MIGRATION, viaQemu, true)),
                        new Observation.Access(blob.buffer(), Who.MIGRATION, viaQemu, false, 0, 0)));
        run.copied.add(blob);
        return copyNext();
    }

    private Behavior<Object> end(MigrationOutcome.Status status, String reason) {
        Migrate m = run.request;
        timers.cancel(run);
        run = null;
        journal.decided(m.stamp().step(), "migration " + status.label() + ": " + reason);
        // filed under this run's Migrate, whatever command came in since, so a repeat gets this answer again
        journal.sendFor(
                "migrate",
                m.replyTo(),
                m.stamp().from(),
                finished(m.stamp(), status, reason),
                m.stamp().step());
        return this;
    }

    private StepDone finished(Stamp s, MigrationOutcome.Status status, String reason) {
        boolean ok = status != MigrationOutcome.Status.FAILED;
        return new StepDone(
                s.step(),
                NODE,
                ok,
                "migration " + status.label() + ": " + reason,
                "",
                new MigrationOutcome(status, reason),
                journal.lamport(),
                "migrate");
    }
}
