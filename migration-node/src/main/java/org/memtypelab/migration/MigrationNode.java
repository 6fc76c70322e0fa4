package org.memtypelab.migration;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.memtypelab.core.migration.MigrationModel;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.IoctlAnswer;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MigrationProtocol.Migrate;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.Guard;
import org.memtypelab.runtime.NodeControl;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeLife;
import org.memtypelab.runtime.NodeRun;

/**
 * migration-node: the live-migration thread, a router around {@link MigrationModel} (rules 27-29, option 7). Its
 * requests go through the outbox like every protocol message; an unanswered request is sent again (the receiver
 * answers a repeat without acting twice) before the migration is declared failed.
 *
 * <p>Its own messages (the peers' answers, attempt timeouts) are private: the actor runs on {@link Msg}, and the public
 * {@link MigrationProtocol.Command}s reach it wrapped in {@link Wire} by a funnel in front of it.
 */
public final class MigrationNode {

    public static final String NODE = "migration-node";

    /** How long one attempt waits for an answer, and how many attempts a request gets. */
    static final Duration ATTEMPT = Duration.ofSeconds(2);

    static final int ATTEMPTS = 5;

    private static final String ATTEMPT_TIMER = "attempt";
    private static final String DIRTY_LOG = "start-dirty-log ";

    /** What the actor handles: its public protocol, wrapped, and its private answers and timeouts. */
    private sealed interface Msg permits Wire, InfoArrived, Answered, AttemptTimedOut {}

    /** A command of the public protocol. */
    private record Wire(MigrationProtocol.Command command) implements Msg {}

    /** QEMU's answer to a migration-info request. */
    private record InfoArrived(QemuProtocol.MigrationInfo info) implements Msg {}

    /** KVM's or the GPU process's answer. */
    private record Answered(StepDone done) implements Msg {}

    /** No answer within {@link #ATTEMPT}. */
    private record AttemptTimedOut(int attempt) implements Msg {}

    /** The request a migration waits on: the Migrate it serves, which attempt this is, and how to send it again. */
    private record Flight(Migrate migrate, int attempt, Runnable resend) {
        Flight next() {
            return new Flight(migrate, attempt + 1, resend);
        }
    }

    private final NodeJournal journal;
    private final NodeControl control;
    private final TimerScheduler<Msg> timers;
    private final ActorRef<QemuProtocol.MigrationInfo> infoAdapter;
    private final ActorRef<StepDone> answerAdapter;
    private final NodeLife<Msg> life;

    public static Behavior<MigrationProtocol.Command> create(
            long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(MigrationProtocol.MIGRATION_KEY, ctx.getSelf()));
            NodeJournal journal = NodeJournal.of(NODE, incarnation, monitor, ctx);
            ActorRef<NodeCommand.ResendTo> self = ctx.getSelf().narrow();
            Behavior<Msg> node = Behaviors.setup(inner -> Behaviors.withTimers(timers -> new MigrationNode(
                            journal,
                            self,
                            timers,
                            inner.messageAdapter(QemuProtocol.MigrationInfo.class, InfoArrived::new),
                            inner.messageAdapter(StepDone.class, Answered::new))
                    .life.supervised()));
            // the funnel: public commands in, wrapped; the adapters' and timers' messages pass through as they are
            // in front of the funnel, the gate every node has: an invalid command is traced and dropped
            return Guard.of(
                    MigrationProtocol.Command.class,
                    journal::problem,
                    journal::rejected,
                    Behaviors.transformMessages(
                            MigrationProtocol.Command.class,
                            node,
                            pf -> pf.match(MigrationProtocol.Command.class, Wire::new)));
        });
    }

    private MigrationNode(
            NodeJournal journal,
            ActorRef<NodeCommand.ResendTo> self,
            TimerScheduler<Msg> timers,
            ActorRef<QemuProtocol.MigrationInfo> infoAdapter,
            ActorRef<StepDone> answerAdapter) {
        this.journal = journal;
        this.control = new NodeControl(journal, self);
        this.timers = timers;
        this.infoAdapter = infoAdapter;
        this.answerAdapter = answerAdapter;
        this.life = new NodeLife<>(journal, this::idle);
    }

    /** No run set up: a migrate is refused. */
    private Behavior<Msg> idle() {
        return life.signals(Behaviors.receive(Msg.class))
                .onMessage(
                        Wire.class,
                        w -> command(
                                w.command(),
                                m -> control.refuse(
                                        m.stamp(),
                                        m.replyTo(),
                                        why -> answer(
                                                m.stamp(),
                                                MigrationModel.Refused.because(why)
                                                        .outcome())),
                                p -> {}))
                .onAnyMessage(m -> Behaviors.same()) // answers and timeouts of an earlier run
                .build();
    }

    /** A run set up, no migration in flight. */
    private Behavior<Msg> ready(NodeRun<MigrationModel> run) {
        return life.signals(Behaviors.receive(Msg.class))
                .onMessage(Wire.class, w -> command(w.command(), m -> onMigrate(run, m), run::usePeers))
                .onAnyMessage(m -> Behaviors.same()) // late answers and timeouts of a migration that is over
                .build();
    }

    /** A migration waiting for the answer to {@code flight}'s request; its attempt timer runs (again after a restart). */
    private Behavior<Msg> migrating(NodeRun<MigrationModel> run, Flight flight) {
        if (!timers.isTimerActive(ATTEMPT_TIMER)) {
            timers.startSingleTimer(ATTEMPT_TIMER, new AttemptTimedOut(flight.attempt()), ATTEMPT);
        }
        MigrationModel model = run.model();
        int step = flight.migrate().stamp().step();
        return life.signals(Behaviors.receive(Msg.class))
                .onMessage(Wire.class, w -> command(w.command(), m -> onMigrate(run, m), run::usePeers))
                .onMessage(InfoArrived.class, a -> {
                    QemuProtocol.MigrationInfo info = a.info();
                    return answered(
                            run,
                            flight,
                            model.infoArrived(info.step(), info.blockers(), info.saveCrash(), info.blobsToCopy()),
                            new Stamp(step, info.lamport(), "qemu-node"),
                            "migration-info");
                })
                .onMessage(Answered.class, a -> {
                    StepDone done = a.done();
                    MigrationModel.Next next = done.answers().startsWith(DIRTY_LOG)
                            ? model.dirtyLogStarted(
                                    done.step(), done.answers().substring(DIRTY_LOG.length()), done.ok(), done.detail())
                            : done.node().equals("gpu-process-node")
                                    ? model.gpuSaved(done.step(), done.ok(), done.detail())
                                    : new MigrationModel.Ignored();
                    return answered(
                            run, flight, next, new Stamp(step, done.lamport(), done.node()), done.node() + " done");
                })
                .onMessage(AttemptTimedOut.class, t -> t.attempt() == flight.attempt() ? timedOut(run, flight) : same())
                .build();
    }

    /** The public protocol, the same in every state but for what a migrate and new peers do. */
    private Behavior<Msg> command(
            MigrationProtocol.Command c, Function<Migrate, Behavior<Msg>> migrate, Consumer<Peers> peers) {
        if (c instanceof Migrate m) {
            return migrate.apply(m);
        }
        if (c instanceof NodeCommand.Control m) {
            return control.answer(m, this::onSetup, peers);
        }
        return Behaviors.unhandled();
    }

    /** A new run: a migration of the earlier run in flight is cut short. */
    private Behavior<Msg> onSetup(NodeCommand.Setup m) {
        journal.start(m.setup());
        timers.cancelAll();
        NodeRun<MigrationModel> run =
                new NodeRun<>(new MigrationModel(m.setup().policy()), m.setup().peers());
        m.replyTo()
                .tell(StepDone.of(
                        new Stamp(0, 0),
                        NODE,
                        true,
                        "migration policy " + run.model().policy().label(),
                        0));
        return life.become(() -> ready(run));
    }

    private Behavior<Msg> onMigrate(NodeRun<MigrationModel> run, Migrate m) {
        if (journal.command(m.stamp(), "migrate")) {
            return same(); // a repeat: the journal sent again what this migration sent so far
        }
        return proceed(run, m, run.model().migrate(m.stamp().step()));
    }

    /** An answer: unless the model waits for none such, it is traced as received before the model's next move. */
    private Behavior<Msg> answered(
            NodeRun<MigrationModel> run, Flight flight, MigrationModel.Next next, Stamp from, String what) {
        if (next instanceof MigrationModel.Ignored) {
            return same(); // a late or repeated answer, or one to another request
        }
        timers.cancel(ATTEMPT_TIMER);
        journal.received(from, what);
        return proceed(run, flight.migrate(), next);
    }

    private Behavior<Msg> timedOut(NodeRun<MigrationModel> run, Flight flight) {
        if (flight.attempt() >= ATTEMPTS) {
            return proceed(run, flight.migrate(), run.model().unanswered(ATTEMPTS, ATTEMPT.toMillis()));
        }
        Flight next = flight.next();
        journal.decided(
                flight.migrate().stamp().step(),
                "retrying " + run.model().awaiting() + " (attempt " + next.attempt() + ")");
        next.resend().run();
        return life.become(() -> migrating(run, next));
    }

    /** Does what the model decided for the migration {@code m} serves. */
    private Behavior<Msg> proceed(NodeRun<MigrationModel> run, Migrate m, MigrationModel.Next next) {
        int step = m.stamp().step();
        if (next instanceof MigrationModel.AskQemu ask) {
            Stamp s = journal.sending(step, "migration-info to qemu-node");
            return request(
                    run, m, Peers::qemu, "qemu-node", new QemuProtocol.GetMigrationInfo(s, ask.policy(), infoAdapter));
        }
        if (next instanceof MigrationModel.AskGpuToSave) {
            Stamp s = journal.sending(step, "save-blobs to gpu-process-node");
            return request(run, m, Peers::gpu, "gpu-process-node", new GpuProtocol.SaveBlobs(s, answerAdapter));
        }
        if (next instanceof MigrationModel.StartDirtyLog d) {
            journal.emit(step, d.observations());
            Stamp s = journal.sending(step, DIRTY_LOG + d.blob().buffer() + " to kvm-node");
            return request(run, m, Peers::kvm, "kvm-node", new KvmProtocol.StartDirtyLog(s, d.blob(), answerAdapter));
        }
        if (next instanceof MigrationModel.Finished f) {
            journal.emit(step, f.observations());
            timers.cancel(ATTEMPT_TIMER);
            journal.decided(step, MigrationModel.detail(f.outcome()));
            // filed under this run's Migrate, whatever command came in since, so a repeat gets this answer again
            journal.sendFor("migrate", m.replyTo(), m.stamp().from(), answer(m.stamp(), f.outcome()), step);
            return life.become(() -> ready(run));
        }
        if (next instanceof MigrationModel.Refused r) {
            journal.send(m.replyTo(), m.stamp().from(), answer(m.stamp(), r.outcome()), step);
        }
        return same();
    }

    /**
     * Sends a request now (filed under the migration's Migrate, so a repeated Migrate sends it again) and waits for its
     * answer; a timeout sends it again to the peer as it is then (it may have restarted, NewPeers).
     */
    private <T> Behavior<Msg> request(
            NodeRun<MigrationModel> run, Migrate m, Function<Peers, ActorRef<T>> to, String toNode, T message) {
        int step = m.stamp().step();
        journal.sendFor("migrate", to.apply(run.peers()), toNode, message, step);
        Flight flight = new Flight(m, 1, () -> journal.resend(to.apply(run.peers()), toNode, message, step));
        timers.cancel(ATTEMPT_TIMER);
        return life.become(() -> migrating(run, flight));
    }

    private StepDone answer(Stamp s, MigrationOutcome outcome) {
        return new StepDone(
                s.step(),
                NODE,
                MigrationModel.ok(outcome),
                MigrationModel.detail(outcome),
                new IoctlAnswer.NoIoctl(),
                outcome,
                journal.lamport(),
                "migrate");
    }

    private static Behavior<Msg> same() {
        return Behaviors.same();
    }
}
