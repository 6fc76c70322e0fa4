package org.memtypelab.lab.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.util.Timeout;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.Step;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.MessageRule;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.delivery.StepAttempts;
import scala.reflect.ClassTag;
import scala.util.Try;

/**
 * One run of the conductor, as an actor: it waits until the Receptionist lists every node, sets up the run, arms each
 * step's faults, drives the steps one by one ({@link StepAttempts} decides the retries, actor timers drive them), and
 * asks the monitor for its verdict; the outcome completes {@code result}. Nothing here blocks: control requests are
 * asks with timeouts, kills and restarts (blocking calls on the cluster handle) run on the blocking-io dispatcher.
 */
final class ConductorRun extends AbstractBehavior<ConductorRun.Command> {

    /** The run to play. */
    record Play(Scenario scenario, long seed, Path dir, String runId, FaultPlan plan) {}

    /** What the run reacts to. */
    sealed interface Command
            permits Listed,
                    Answered,
                    AttemptTimedOut,
                    Discovery,
                    ResetUnanswered,
                    RetryReset,
                    Resume,
                    Halt,
                    ControlCheck,
                    Crash,
                    Abandon {}

    private record Listed(Receptionist.Listing listing) implements Command {}

    private record Answered(int step, StepDone done) implements Command {}

    private record AttemptTimedOut(int step, int attempt) implements Command {}

    private enum Discovery implements Command {
        TIMED_OUT
    }

    private record ResetUnanswered(int attempt, String reason) implements Command {}

    private record RetryReset(int attempt) implements Command {}

    /** An ask or a cluster call finished: the rest of the run goes on, on the actor's thread. */
    private record Resume(Runnable rest) implements Command {}

    /** The run cannot go on: the reason ends up in result.json and gives exit 3. */
    private record Halt(String reason) implements Command {}

    /** Is the node a control request {@code id} waits for still there? Asked every control interval. */
    private record ControlCheck(long id, NodeRole role, String asked, int checks) implements Command {}

    /** A cluster call failed: the caller gets the exception, as from any bug. */
    private record Crash(Throwable failure) implements Command {}

    /** The caller stopped waiting: end the run now with {@code reason}. */
    record Abandon(String reason) implements Command {}

    /** A step's command, where it goes and through which node name the outbox judges it. */
    private record Outgoing(ActorRef<Object> to, String toNode, Object message) {}

    /** Roles the run waits to see listed ({@code address} empty: anywhere), then {@code then}. */
    private record Waiting(List<NodeRole> roles, String address, Runnable then) {}

    private static final String ATTEMPT_TIMER = "attempt";
    private static final String DISCOVERY_TIMER = "discovery";
    private static final String RESET_TIMER = "reset";
    /**
     * How many control intervals a node that stays Up and reachable may take to answer a control request: on a busy
     * machine a node is slow, not gone; the cluster's failure detector, not this count, says when it is gone.
     */
    static final int CONTROL_PATIENCE = 4;

    static Behavior<Command> create(
            LabCluster cluster,
            ActorRef<MonitorProtocol.Command> monitor,
            Play play,
            RunTimeouts timeouts,
            long startNanos,
            Waits waits,
            CompletableFuture<RunOutcome> result) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(
                timers -> new ConductorRun(ctx, timers, cluster, monitor, play, timeouts, startNanos, waits, result)));
    }

    private final TimerScheduler<Command> timers;
    private final LabCluster cluster;
    private final ActorRef<MonitorProtocol.Command> monitor;
    private final Play play;
    private final RunTimeouts t;
    private final long startNanos;
    /** What the run waits for now, for the console. */
    private final Waits waits;

    private final CompletableFuture<RunOutcome> result;
    private final Executor blocking;
    private final NodeJournal journal;
    private final Coherence coherence;
    private final StepAttempts<Outgoing, StepDone> attempts = new StepAttempts<>();
    private final NodeListings listings;
    /** Where every step's command is answered; an answer to a step no longer in flight is ignored (StepAttempts). */
    private final ActorRef<StepDone> stepAnswers;

    private final Map<NodeRole, ActorRef<?>> refs = new EnumMap<>(NodeRole.class);
    private final Set<NodeRole> down = EnumSet.noneOf(NodeRole.class);
    private final List<NodeMark> deadMarks = new ArrayList<>();
    private final Map<String, Integer> injected = new LinkedHashMap<>();
    private final List<StepRecord> steps = new ArrayList<>();
    private MigrationOutcome migrated = new MigrationOutcome(MigrationOutcome.Status.NOT_ATTEMPTED, "");
    private RunSetup setup;
    /** Control requests that have not been answered yet, by id. */
    private final Set<Long> pendingControls = new HashSet<>();

    private long controlIds;
    private Waiting waiting;
    private boolean finished;

    private ConductorRun(
            ActorContext<Command> ctx,
            TimerScheduler<Command> timers,
            LabCluster cluster,
            ActorRef<MonitorProtocol.Command> monitor,
            Play play,
            RunTimeouts timeouts,
            long startNanos,
            Waits waits,
            CompletableFuture<RunOutcome> result) {
        super(ctx);
        this.waits = waits;
        this.timers = timers;
        this.cluster = cluster;
        this.monitor = monitor;
        this.play = play;
        this.t = timeouts;
        this.startNanos = startNanos;
        this.result = result;
        this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
        this.journal = NodeJournal.of("conductor", 1, monitor, ctx);
        this.coherence = play.scenario().platform().coherence();
        this.listings = new NodeListings(ctx.getSystem().address());
        this.stepAnswers = ctx.messageAdapter(StepDone.class, d -> new Answered(d.step(), d));
        ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
        for (NodeRole role : Conductor.NODES) {
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(NodeListings.key(role), adapter));
        }
        awaitListed(Conductor.NODES, "", this::listedAll);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Command.class, this::guarded)
                .onSignal(PostStop.class, s -> stopped())
                .build();
    }

    /** A bug (an exception) ends the run with that exception for the caller, instead of leaving it waiting. */
    private Behavior<Command> guarded(Command c) {
        try {
            handle(c);
        } catch (RuntimeException e) {
            crash(e);
        }
        return finished ? Behaviors.stopped() : this;
    }

    private void handle(Command c) {
        if (c instanceof Listed l) {
            listings.update(l.listing());
            proceedIfListed();
        } else if (c instanceof Answered a) {
            apply(attempts.answered(a.step(), a.done()));
        } else if (c instanceof AttemptTimedOut a) {
            apply(attempts.timedOut(a.step(), a.attempt()));
        } else if (c == Discovery.TIMED_OUT) {
            neverListed();
        } else if (c instanceof ResetUnanswered r) {
            if (r.attempt() < t.monitorAttempts()) {
                timers.startSingleTimer(RESET_TIMER, new RetryReset(r.attempt() + 1), t.monitorPause());
            } else {
                halt(r.reason());
            }
        } else if (c instanceof RetryReset r) {
            resetMonitor(r.attempt());
        } else if (c instanceof Resume r) {
            r.rest().run();
        } else if (c instanceof Halt h) {
            halt(h.reason());
        } else if (c instanceof ControlCheck check) {
            checkControl(check);
        } else if (c instanceof Crash x) {
            crash(x.failure());
        } else if (c instanceof Abandon a) {
            halt(a.reason());
        }
    }

    private Behavior<Command> stopped() {
        if (!finished) {
            halt("the conductor's ActorSystem stopped during the run");
        }
        return this;
    }

    // --- the run, in order ---

    private void listedAll() {
        Scenario s = play.scenario();
        setup = new RunSetup(
                play.runId(),
                play.seed(),
                s.platform().kvmPlatform(),
                s.qemu(),
                s.migration().policy(),
                play.dir().toAbsolutePath().toString(),
                peers());
        journal.start(setup);
        resetMonitor(1);
    }

    /** Asks the monitor singleton to reset; it may still be starting on the oldest monitor node, so asks again. */
    private void resetMonitor(int attempt) {
        waits.on("the coherency monitor to accept the run (attempt " + attempt + ")");
        ask(
                StepDone.class,
                monitor,
                t.attempt(),
                r -> new MonitorProtocol.Reset(play.runId(), coherence, r),
                (ok, failure) -> ok != null
                        ? new Resume(() -> inSequence(Conductor.NODES, this::setUp, () -> playStep(1)))
                        : new ResetUnanswered(attempt, "monitor reset got no answer: " + failure.getMessage()));
    }

    private void setUp(NodeRole role, Runnable then) {
        this.<StepDone>control(role, StepDone.class, r -> new NodeCommand.Setup(setup, r), "setup", ready -> {
            journal.received(new Stamp(0, ready.lamport(), role.label()), ready.node() + " ready: " + ready.detail());
            then.run();
        });
    }

    private void playStep(int n) {
        List<Step> all = play.scenario().steps();
        if (n > all.size()) {
            collectMarks();
            return;
        }
        inSequence(play.plan().at(n), (a, next) -> inject(a, n, next), () -> drive(all.get(n - 1), n));
    }

    private void drive(Step step, int n) {
        Stamp s = journal.sending(n, step.kind().label());
        StepCommands.Command c = StepCommands.of(step, s);
        if (down.contains(c.role())) {
            halt("step " + n + " (" + c.what() + ") needs " + c.role().label() + ", which is down");
            return;
        }
        waits.on(c.role().label() + " to answer step " + n + " (" + c.what() + ")");
        Outgoing command =
                new Outgoing(ref(c.role()), c.role().label(), c.message().apply(stepAnswers));
        apply(attempts.start(
                new StepAttempts.Request<>(n, c.what(), c.role().label(), command, t.attempt(step), t.attempts())));
    }

    /** Does what the step logic decided: trace, send through the conductor's outbox, time, finish or give up. */
    private void apply(List<StepAttempts.Effect<Outgoing, StepDone>> effects) {
        for (StepAttempts.Effect<Outgoing, StepDone> e : effects) {
            if (e instanceof StepAttempts.Decide<Outgoing, StepDone> d) {
                journal.decided(d.step(), d.detail());
            } else if (e instanceof StepAttempts.Send<Outgoing, StepDone> s) {
                // the same outbox, with the same fault decisions, nodes use
                journal.resend(
                        s.command().to(), s.command().toNode(), s.command().message(), s.step());
            } else if (e instanceof StepAttempts.StartTimer<Outgoing, StepDone> st) {
                timers.startSingleTimer(ATTEMPT_TIMER, new AttemptTimedOut(st.step(), st.attempt()), st.after());
            } else if (e instanceof StepAttempts.Done<Outgoing, StepDone> d) {
                timers.cancel(ATTEMPT_TIMER);
                stepDone(d.step(), d.answer());
            } else if (e instanceof StepAttempts.GiveUp<Outgoing, StepDone> g) {
                halt(g.reason());
            }
        }
    }

    private void stepDone(int n, StepDone done) {
        Step step = play.scenario().steps().get(n - 1);
        journal.received(new Stamp(n, done.lamport(), done.node()), step.kind().label() + " done");
        steps.add(new StepRecord(
                n,
                step.kind().label(),
                done.ok(),
                done.node(),
                done.detail(),
                done.ioctl().label()));
        if (done.migration().status() != MigrationOutcome.Status.NOT_ATTEMPTED) {
            migrated = done.migration();
        }
        playStep(n + 1);
    }

    private void collectMarks() {
        List<NodeMark> marks = new ArrayList<>(deadMarks);
        inSequence(
                live(),
                (role, next) -> control(role, NodeMark.class, NodeCommand.GetMark::new, "mark", m -> {
                    marks.add(m);
                    next.run();
                }),
                () -> {
                    waits.on("the coherency monitor's report");
                    ask(
                            MonitorProtocol.MonitorReport.class,
                            monitor,
                            t.report(),
                            r -> new MonitorProtocol.Report(play.runId(), coherence, marks, r),
                            (report, failure) -> report != null
                                    ? new Resume(() -> reported(report))
                                    : new Halt("monitor report got no answer: " + failure.getMessage()));
                });
    }

    private void reported(MonitorProtocol.MonitorReport report) {
        String incomplete = report.unobserved().isEmpty()
                ? ""
                : "the monitor could not observe every event: " + report.unobserved();
        finish(new RunOutcome(steps, migrated, report, incomplete, millis(), lost(), injected()));
    }

    // --- faults ---

    /** Arms one planned fault at the start of step {@code n}. */
    private void inject(FaultPlan.Action a, int n, Runnable then) {
        journal.decided(n, "inject " + a.describe());
        Runnable counted = () -> {
            injected.merge(a.getClass().getSimpleName().toLowerCase(Locale.ROOT), 1, Integer::sum);
            then.run();
        };
        if (a instanceof FaultPlan.Messages m) {
            arm(n, m.rules(), List.of(), false, counted);
        } else if (a instanceof FaultPlan.Partition p && cluster.network().isPresent()) {
            networkCut(n, p, counted); // the real network instead of message-level drops
        } else if (a instanceof FaultPlan.Partition p && p.groups().isEmpty()) {
            halt("step " + n + ": a " + p.shape() + " partition needs a private network (--network isolated)");
        } else if (a instanceof FaultPlan.Partition p) {
            arm(n, List.of(), p.groups(), false, () -> holdPartition(n, p.ms(), counted));
        } else if (a instanceof FaultPlan.Heal && cluster.network().isPresent()) {
            networkHeal(n, () -> arm(n, List.of(), List.of(), true, counted));
        } else if (a instanceof FaultPlan.Heal) {
            arm(n, List.of(), List.of(), true, counted);
        } else if (a instanceof FaultPlan.Loss l && cluster.network().isPresent()) {
            offActor(() -> cluster.network().orElseThrow().lose(play.dir(), l), rules -> {
                journal.decided(n, "network: " + String.join("; ", rules));
                counted.run();
            });
        } else if (a instanceof FaultPlan.Loss) {
            halt("step " + n + ": packet loss needs a private network (--network isolated)");
        } else if (a instanceof FaultPlan.Kill k) {
            kill(k.node(), n, counted);
        } else if (a instanceof FaultPlan.Restart r) {
            restart(r.node(), n, counted);
        } else if (a instanceof FaultPlan.Pause p) {
            offActor(
                    () -> {
                        cluster.pause(p.node(), Duration.ofMillis(p.ms()));
                        return p.node();
                    },
                    paused -> {
                        journal.decided(n, paused.label() + " paused for " + p.ms() + " ms");
                        counted.run();
                    });
        }
    }

    /** Arms the same faults in every live node's outbox and in the conductor's own. */
    private void arm(int n, List<MessageRule> rules, List<Set<String>> partition, boolean heal, Runnable then) {
        journal.arm(n, rules, partition, heal);
        inSequence(
                live(),
                (role, next) -> control(
                        role, StepDone.class, r -> new Arm(n, rules, partition, heal, r), "arm", d -> next.run()),
                then);
    }

    private void kill(NodeRole role, int n, Runnable then) {
        if (down.contains(role)) {
            then.run();
            return;
        }
        Runnable crash = () -> {
            waits.on(role.label() + " to be killed");
            offActor(
                    () -> {
                        cluster.kill(role);
                        return role;
                    },
                    killed -> {
                        down.add(role);
                        journal.decided(n, role.label() + " killed");
                        then.run();
                    });
        };
        if (Conductor.NODES.contains(role)) {
            // what the monitor must have heard from this incarnation; its events die with it
            control(role, NodeMark.class, NodeCommand.GetMark::new, "mark before kill", m -> {
                deadMarks.add(m);
                crash.run();
            });
        } else {
            crash.run();
        }
    }

    /** A new incarnation joins; it starts empty (a new process keeps nothing), the others learn its address. */
    private void restart(NodeRole role, int n, Runnable then) {
        Runnable start = () -> {
            waits.on("a new incarnation of " + role.label() + " to join the cluster");
            offActor(() -> cluster.restart(role), address -> {
                down.remove(role);
                journal.decided(n, role.label() + " restarted as a new incarnation"); // no address: it differs per run
                if (!Conductor.NODES.contains(role)) {
                    then.run(); // the monitor singleton comes back by itself; it will ask every node to resend
                    return;
                }
                awaitListed(List.of(role), address, () -> {
                    setup = new RunSetup(
                            setup.runId(),
                            setup.seed(),
                            setup.platform(),
                            setup.qemu(),
                            setup.policy(),
                            setup.traceDir(),
                            peers());
                    List<NodeRole> others =
                            live().stream().filter(o -> o != role).toList();
                    setUp(
                            role,
                            () -> inSequence(
                                    others,
                                    (other, next) -> control(
                                            other,
                                            StepDone.class,
                                            r -> new NodeCommand.NewPeers(setup.peers(), r),
                                            "new peers",
                                            d -> next.run()),
                                    then));
                });
            });
        };
        if (down.contains(role)) {
            start.run();
        } else {
            kill(role, n, start);
        }
    }

    // --- discovery ---

    private void awaitListed(List<NodeRole> roles, String address, Runnable then) {
        waiting = new Waiting(roles, address, then);
        waits.on("the Receptionist to list "
                + String.join(", ", roles.stream().map(NodeRole::label).toList())
                + (address.isEmpty() ? "" : " at " + address));
        timers.startSingleTimer(DISCOVERY_TIMER, Discovery.TIMED_OUT, t.discovery());
        proceedIfListed();
    }

    private void proceedIfListed() {
        if (waiting == null) {
            return;
        }
        Map<NodeRole, ActorRef<?>> found = new EnumMap<>(NodeRole.class);
        for (NodeRole role : waiting.roles()) {
            Optional<ActorRef<?>> ref = listings.at(role, waiting.address());
            if (ref.isEmpty()) {
                return;
            }
            found.put(role, ref.get());
        }
        refs.putAll(found);
        timers.cancel(DISCOVERY_TIMER);
        Runnable then = waiting.then();
        waiting = null;
        then.run();
    }

    private void neverListed() {
        if (waiting == null) {
            return;
        }
        NodeRole missing = waiting.roles().stream()
                .filter(r -> listings.at(r, waiting.address()).isEmpty())
                .findFirst()
                .orElseThrow();
        halt(NodeListings.key(missing).id() + (waiting.address().isEmpty() ? "" : " at " + waiting.address())
                + " never registered with the Receptionist within " + t.discovery());
    }

    // --- plumbing ---

    /**
     * A control request to a node (setup, arm, marks): never faulted. The wait is driven by the cluster's view of the
     * node: every control interval the run checks it, and ends (exit 3) as soon as the failure detector says the node
     * is unreachable or gone; a node that stays Up and reachable gets {@link #CONTROL_PATIENCE} intervals.
     */
    private <R> void control(
            NodeRole role, Class<R> type, Function<ActorRef<R>, Object> msg, String what, Consumer<R> then) {
        String asked = what + " " + role.label();
        waits.on(role.label() + " to answer " + what);
        long id = ++controlIds;
        pendingControls.add(id);
        Duration patience = t.control().multipliedBy(CONTROL_PATIENCE);
        ask(
                type,
                ref(role),
                patience,
                msg::apply,
                (reply, failure) -> reply != null
                        ? new Resume(() -> {
                            pendingControls.remove(id);
                            then.accept(reply);
                        })
                        : new Halt(asked + " got no answer within " + patience + " although " + role.label()
                                + " stayed Up and reachable"));
        timers.startSingleTimer("control-" + id, new ControlCheck(id, role, asked, 1), t.control());
    }

    private void checkControl(ControlCheck c) {
        if (!pendingControls.contains(c.id())) {
            return;
        }
        Optional<String> gone = clusterLost(c.role());
        if (gone.isPresent()) {
            pendingControls.remove(c.id());
            halt(c.asked() + " got no answer: " + gone.get() + " (after "
                    + t.control().multipliedBy(c.checks()) + ")");
        } else if (c.checks() < CONTROL_PATIENCE) {
            timers.startSingleTimer(
                    "control-" + c.id(), new ControlCheck(c.id(), c.role(), c.asked(), c.checks() + 1), t.control());
        }
    }

    /** Why the cluster says {@code role}'s node cannot answer: unreachable, not Up, or no member at all. */
    private Optional<String> clusterLost(NodeRole role) {
        Address address = ref(role).path().address();
        if (address.hasLocalScope()) {
            return Optional.empty(); // a node in the conductor's own system (tests, sim): the cluster cannot lose it
        }
        CurrentClusterState state = Cluster.get(getContext().getSystem()).state();
        for (Member m : state.getUnreachable()) {
            if (m.address().equals(address)) {
                return Optional.of(role.label() + " is unreachable (the failure detector suspects it)");
            }
        }
        for (Member m : state.getMembers()) {
            if (m.address().equals(address)) {
                return m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()
                        ? Optional.empty()
                        : Optional.of(role.label() + " is " + m.status() + " in the cluster");
            }
        }
        return Optional.of(role.label() + " at " + address + " is no longer a cluster member");
    }

    /**
     * Pekko's ask, through the Scala API: its answer is handed to this actor on the thread that completed it. The Java
     * API's answer goes through a {@code CompletionStage} whose Scala implementation runs every callback
     * asynchronously - on a machine with two cores, each on a new thread - which a simulated cluster cannot order.
     */
    private <Q, R> void ask(
            Class<R> type,
            RecipientRef<Q> target,
            Duration timeout,
            Function<ActorRef<R>, Q> request,
            BiFunction<R, Throwable, Command> then) {
        getContext()
                .asScala()
                .ask(
                        target,
                        request::apply,
                        (Try<R> t) -> t.isSuccess()
                                ? then.apply(t.get(), null)
                                : then.apply(null, t.failed().get()),
                        Timeout.create(timeout),
                        ClassTag.apply(type));
    }

    /** Runs a blocking cluster call on the blocking-io dispatcher, then {@code then} with its result on this actor. */
    private <T> void offActor(Supplier<T> call, Consumer<T> then) {
        getContext()
                .pipeToSelf(
                        CompletableFuture.supplyAsync(call, blocking),
                        (value, failure) ->
                                failure == null ? new Resume(() -> then.accept(value)) : new Crash(failure));
    }

    /** Runs {@code each} on the items one after the other (each calls its continuation when done), then {@code then}. */
    private static <T> void inSequence(List<T> items, BiConsumer<T, Runnable> each, Runnable then) {
        if (items.isEmpty()) {
            then.run();
            return;
        }
        each.accept(items.get(0), () -> inSequence(items.subList(1, items.size()), each, then));
    }

    private List<NodeRole> live() {
        return Conductor.NODES.stream().filter(r -> !down.contains(r)).toList();
    }

    private Peers peers() {
        return new Peers(ref(NodeRole.KVM), ref(NodeRole.QEMU), ref(NodeRole.GPU_PROCESS));
    }

    @SuppressWarnings("unchecked")
    private <T> ActorRef<T> ref(NodeRole role) {
        return (ActorRef<T>) refs.get(role);
    }

    private List<String> lost() {
        return down.stream().map(NodeRole::label).toList();
    }

    /** What the conductor armed or injected itself, with what its own outbox did to its commands. */
    private Map<String, Integer> injected() {
        Map<String, Integer> all = new LinkedHashMap<>(injected);
        journal.injected().forEach((k, v) -> all.merge(k, v, Integer::sum));
        return Map.copyOf(all);
    }

    private void halt(String reason) {
        finish(new RunOutcome(steps, migrated, null, reason, millis(), lost(), injected()));
    }

    private void crash(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!finished) {
            finished = true;
            waits.off();
            try {
                journal.close();
            } finally {
                result.completeExceptionally(cause);
            }
        }
    }

    private void finish(RunOutcome outcome) {
        if (!finished) {
            finished = true;
            waits.off(); // the run waits for nothing more; the console must not name a wait after the summary
            try {
                journal.close();
            } finally {
                result.complete(outcome);
            }
        }
    }

    private long millis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // --- the private network (--network isolated) ---

    /** How often the run looks whether the cluster has settled after a heal. */
    private static final Duration NETWORK_POLL = Duration.ofMillis(100);
    /** How long after a heal every member may take to be reachable again (the failure detector's pause and more). */
    private static final Duration NETWORK_SETTLE =
            org.memtypelab.runtime.cluster.TimeFactor.scale(Duration.ofSeconds(20));

    /** Cuts the partition's links with drop rules, then holds the run for the partition's {@code ms}. */
    private void networkCut(int n, FaultPlan.Partition p, Runnable then) {
        offActor(() -> cluster.network().orElseThrow().cut(play.dir(), p), rules -> {
            journal.decided(n, "network: " + rules.size() + " drop rules: " + String.join("; ", rules));
            holdPartition(n, p.ms(), then);
        });
    }

    /** Holds the run {@code ms} with the partition in place, so the failure detector and the resolver can act. */
    private void holdPartition(int n, long ms, Runnable then) {
        if (ms <= 0) {
            then.run();
            return;
        }
        waits.on("the partition to hold for " + ms + " ms before step " + n);
        timers.startSingleTimer("partition-hold", new Resume(then), Duration.ofMillis(ms));
    }

    /**
     * Removes the drop rules, then waits until every member is Up and reachable again; a node the Split Brain Resolver
     * downed meanwhile ends the run (exit 3, naming it): it stopped, and what it did may never reach the monitor.
     */
    private void networkHeal(int n, Runnable then) {
        offActor(
                () -> {
                    cluster.network().orElseThrow().heal(play.dir());
                    return System.nanoTime();
                },
                healed -> {
                    journal.decided(n, "network: healed (drop rules removed)");
                    settle(n, healed, then);
                });
    }

    private void settle(int n, long healedNanos, Runnable then) {
        java.util.Set<String> downed = cluster.network().orElseThrow().downed();
        List<String> away = membersAway();
        if (!downed.isEmpty()) {
            for (NodeRole r : Conductor.NODES) {
                if (downed.contains(r.label())) {
                    down.add(r);
                }
            }
            List<String> names = downed.stream().sorted().toList();
            journal.decided(n, "network: the split brain resolver downed " + String.join(", ", names));
            halt("the split brain resolver downed " + String.join(", ", names) + " during the partition before step "
                    + n + (downed.contains(NodeRole.MONITOR.label()) ? " (the monitor is gone: no verdict)" : "")
                    + "; a downed node stops, and what it did is not all observed");
            return;
        }
        if (away.isEmpty()) {
            journal.decided(n, "network: every member Up and reachable again");
            then.run();
            return;
        }
        long waited = System.nanoTime() - healedNanos;
        if (waited > NETWORK_SETTLE.toNanos()) {
            halt(String.join(", ", away) + " still not Up and reachable " + NETWORK_SETTLE + " after the heal before"
                    + " step " + n);
            return;
        }
        waits.on(String.join(", ", away) + " to be reachable again after the heal");
        timers.startSingleTimer("network-settle", new Resume(() -> settle(n, healedNanos, then)), NETWORK_POLL);
    }

    /** The roles that are not an Up, reachable member in the conductor's view of the cluster. */
    private List<String> membersAway() {
        CurrentClusterState state = Cluster.get(getContext().getSystem()).state();
        Set<String> unreachable = new HashSet<>();
        for (Member m : state.getUnreachable()) {
            unreachable.addAll(m.getRoles());
        }
        Set<String> up = new HashSet<>();
        for (Member m : state.getMembers()) {
            if (m.status() == MemberStatus.up() && !state.getUnreachable().contains(m)) {
                up.addAll(m.getRoles());
            }
        }
        List<String> away = new ArrayList<>();
        for (NodeRole r : NodeRole.values()) {
            if (!up.contains(r.label()) || unreachable.contains(r.label())) {
                away.add(r.label());
            }
        }
        return away;
    }
}
