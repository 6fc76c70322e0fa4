package org.memtypelab.lab.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.Step;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MessageRule;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeJournal;

/**
 * The conductor: finds the nodes, sets up a run, arms each step's faults, drives the steps one by one through
 * requests with timeouts and retries (a node answers a repeated command without acting twice), and asks the monitor
 * for its verdict. It runs on the conductor's ActorSystem and owns the cluster handle for kills and restarts.
 */
public final class Conductor {

    static final Duration ATTEMPT = Duration.ofSeconds(2);
    static final int ATTEMPTS = 3;
    static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(15);
    static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);

    /** The roles that run a node actor. */
    static final List<NodeRole> NODES = List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MIGRATION);

    /** A run that cannot go on: the reason ends up in result.json and gives exit 3. */
    static final class Incomplete extends Exception {
        Incomplete(String message) {
            super(message);
        }
    }

    private final LabCluster cluster;
    private final ActorSystem<?> system;
    private final ActorRef<MonitorProtocol.Command> monitor;
    private final Map<NodeRole, ActorRef<?>> refs = new LinkedHashMap<>();
    private NodeJournal journal;
    private RunSetup setup;
    private final Set<NodeRole> down = EnumSet.noneOf(NodeRole.class);
    private final List<NodeMark> deadMarks = new ArrayList<>();
    private final Map<String, Integer> injected = new LinkedHashMap<>();

    public Conductor(LabCluster cluster) {
        this.cluster = cluster;
        this.system = cluster.conductor();
        this.monitor = NodeGuardians.monitor(system);
    }

    /** Runs {@code scenario} with its own {@code faults}. */
    public RunOutcome run(Scenario scenario, long seed, Path dir, String runId) {
        return run(scenario, seed, dir, runId, FaultPlan.of(scenario));
    }

    /** Runs {@code scenario} with {@code seed} and {@code plan}, writing the conductor's trace into {@code dir}. */
    public RunOutcome run(Scenario scenario, long seed, Path dir, String runId, FaultPlan plan) {
        long start = System.nanoTime();
        List<StepRecord> steps = new ArrayList<>();
        MigrationOutcome migrated = new MigrationOutcome(MigrationOutcome.Status.NOT_ATTEMPTED, "");
        journal = new NodeJournal("conductor", 1, monitor, system.scheduler(), system.executionContext());
        down.clear();
        deadMarks.clear();
        injected.clear();
        try {
            for (NodeRole role : NODES) {
                refs.put(role, find(role, Optional.empty()));
            }
            setup = new RunSetup(
                    runId,
                    seed,
                    scenario.platform().kvmPlatform(),
                    scenario.qemu(),
                    scenario.migration().policy(),
                    dir.toAbsolutePath().toString(),
                    peers());
            journal.start(setup);
            Coherence coherence =
                    new Coherence(scenario.platform().cpu(), scenario.platform().selfSnoop());
            this.<StepDone>askUntil(monitor, r -> new MonitorProtocol.Reset(runId, coherence, r), "monitor reset");
            for (NodeRole role : NODES) {
                setUp(role);
            }
            int n = 0;
            for (Step step : scenario.steps()) {
                n++;
                for (FaultPlan.Action a : plan.at(n)) {
                    inject(a, n);
                }
                StepDone done = drive(step, n);
                journal.received(
                        new Stamp(n, done.lamport(), done.node()), step.kind().label() + " done");
                steps.add(new StepRecord(n, step.kind().label(), done.ok(), done.node(), done.detail(), done.errno()));
                if (done.migration().status() != MigrationOutcome.Status.NOT_ATTEMPTED) {
                    migrated = done.migration();
                }
            }
            List<NodeMark> marks = new ArrayList<>(deadMarks);
            for (NodeRole role : NODES) {
                if (!down.contains(role)) {
                    marks.add(control(role, NodeCommand.GetMark::new, "mark"));
                }
            }
            MonitorProtocol.MonitorReport report = ask(
                    monitor,
                    r -> new MonitorProtocol.Report(runId, coherence, marks, r),
                    REPORT_TIMEOUT,
                    "monitor report");
            String incomplete = report.unobserved().isEmpty()
                    ? ""
                    : "the monitor could not observe every event: " + report.unobserved();
            return new RunOutcome(steps, migrated, report, incomplete, millisSince(start), lost(), injected());
        } catch (Incomplete e) {
            return new RunOutcome(steps, migrated, null, e.getMessage(), millisSince(start), lost(), injected());
        } finally {
            journal.close();
        }
    }

    private List<String> lost() {
        return down.stream().map(NodeRole::label).toList();
    }

    private Peers peers() {
        return new Peers(ref(NodeRole.KVM), ref(NodeRole.QEMU), ref(NodeRole.GPU_PROCESS));
    }

    @SuppressWarnings("unchecked")
    private <T> ActorRef<T> ref(NodeRole role) {
        return (ActorRef<T>) refs.get(role);
    }

    private void setUp(NodeRole role) throws Incomplete {
        StepDone ready = control(role, r -> new NodeCommand.Setup(setup, r), "setup");
        journal.received(new Stamp(0, ready.lamport(), role.label()), ready.node() + " ready: " + ready.detail());
    }

    /** Arms one planned fault at the start of step {@code n}. */
    private void inject(FaultPlan.Action a, int n) throws Incomplete {
        journal.decided(n, "inject " + a);
        if (a instanceof FaultPlan.Messages m) {
            arm(n, m.rules(), List.of(), false);
        } else if (a instanceof FaultPlan.Partition p) {
            arm(n, List.of(), p.groups(), false);
        } else if (a instanceof FaultPlan.Heal) {
            arm(n, List.of(), List.of(), true);
        } else if (a instanceof FaultPlan.Kill k) {
            kill(k.node(), n);
        } else if (a instanceof FaultPlan.Restart r) {
            restart(r.node(), n);
        }
        count(a.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
    }

    /** Arms the same faults in every live node's outbox and in the conductor's own. */
    private void arm(int n, List<MessageRule> rules, List<Set<String>> partition, boolean heal) throws Incomplete {
        journal.arm(n, rules, partition, heal);
        for (NodeRole role : NODES) {
            if (!down.contains(role)) {
                this.<StepDone, Arm>control(role, r -> new Arm(n, rules, partition, heal, r), "arm");
            }
        }
    }

    private void kill(NodeRole role, int n) throws Incomplete {
        if (down.contains(role)) {
            return;
        }
        if (NODES.contains(role)) {
            // what the monitor must have heard from this incarnation; its events die with it
            deadMarks.add(control(role, NodeCommand.GetMark::new, "mark before kill"));
        }
        cluster.kill(role);
        down.add(role);
        journal.decided(n, role.label() + " killed");
    }

    /** A new incarnation joins; it starts empty (a new process keeps nothing), the others learn its address. */
    private void restart(NodeRole role, int n) throws Incomplete {
        if (!down.contains(role)) {
            kill(role, n);
        }
        String address = cluster.restart(role);
        down.remove(role);
        journal.decided(n, role.label() + " restarted as a new incarnation"); // no address: it differs per run
        if (!NODES.contains(role)) {
            return; // the monitor singleton comes back by itself; it will ask every node to resend
        }
        refs.put(role, find(role, Optional.of(address)));
        setup = new RunSetup(
                setup.runId(), setup.seed(), setup.platform(), setup.qemu(), setup.policy(), setup.traceDir(), peers());
        setUp(role);
        for (NodeRole other : NODES) {
            if (other != role && !down.contains(other)) {
                this.<StepDone, NodeCommand.NewPeers>control(
                        other, r -> new NodeCommand.NewPeers(setup.peers(), r), "new peers");
            }
        }
    }

    private StepDone drive(Step step, int n) throws Incomplete {
        Stamp s = journal.sending(n, step.kind().label());
        StepCommands.Command c = StepCommands.of(step, s);
        return request(c.role(), c.message(), n, c.what(), c.migration() ? ATTEMPT.multipliedBy(8) : ATTEMPT);
    }

    /**
     * Sends a step's command through the conductor's own outbox and waits for the answer, sending the same command
     * again after each silent attempt; a node that is down fails the step at once.
     */
    private <T> StepDone request(
            NodeRole role, Function<ActorRef<StepDone>, T> msg, int n, String what, Duration attempt)
            throws Incomplete {
        if (down.contains(role)) {
            throw new Incomplete("step " + n + " (" + what + ") needs " + role.label() + ", which is down");
        }
        ReplyInbox<StepDone> inbox = new ReplyInbox<>(system);
        T command = msg.apply(inbox.ref());
        ActorRef<T> to = ref(role);
        for (int i = 1; i <= ATTEMPTS; i++) {
            if (i > 1) {
                journal.decided(n, "no answer to " + what + " from " + role.label() + ", attempt " + i);
            }
            send(to, role.label(), command, n);
            try {
                return inbox.reply().get(attempt.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // try again: the node answers a repeated command without acting twice
            } catch (ExecutionException | InterruptedException e) {
                throw new Incomplete("step " + n + " (" + what + ") failed: " + e);
            }
        }
        throw new Incomplete("step " + n + " (" + what + ") got no answer from " + role.label() + " in " + ATTEMPTS
                + " attempts of " + attempt.toMillis() + " ms");
    }

    /** Sends a command through the conductor's outbox: the same one, with the same fault decisions, nodes use. */
    private <T> void send(ActorRef<T> to, String toNode, T command, int n) {
        journal.resend(to, toNode, command, n);
    }

    /** What the conductor armed or injected itself, with what its own outbox did to its commands. */
    private Map<String, Integer> injected() {
        Map<String, Integer> all = new LinkedHashMap<>(injected);
        journal.injected().forEach((k, v) -> all.merge(k, v, Integer::sum));
        return Map.copyOf(all);
    }

    private void count(String what) {
        injected.merge(what, 1, Integer::sum);
    }

    /** A control request to a node (setup, arm, marks): never faulted, one long timeout. */
    private <R, T> R control(NodeRole role, Function<ActorRef<R>, T> msg, String what) throws Incomplete {
        ActorRef<T> to = ref(role);
        return ask(to, msg, CONTROL_TIMEOUT, what + " " + role.label());
    }

    /** Waits for the role's registration with the Receptionist (eventually consistent), at {@code address} if given. */
    private ActorRef<?> find(NodeRole role, Optional<String> address) throws Incomplete {
        ServiceKey<?> key = switch (role) {
            case KVM -> KvmProtocol.KVM_KEY;
            case QEMU -> QemuProtocol.QEMU_KEY;
            case GPU_PROCESS -> GpuProtocol.GPU_KEY;
            case MIGRATION -> MigrationProtocol.MIGRATION_KEY;
            default -> throw new IllegalArgumentException(role + " has no node actor");
        };
        long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Receptionist.Listing listing = await(
                    AskPattern.ask(
                            system.receptionist(),
                            r -> Receptionist.find(key, r),
                            Duration.ofSeconds(3),
                            system.scheduler()),
                    Duration.ofSeconds(4),
                    "find " + key.id());
            Optional<? extends ActorRef<?>> ref = listing.getServiceInstances(key).stream()
                    .filter(r -> address.isEmpty() || hostPort(r).equals(address.get()))
                    .findFirst();
            if (ref.isPresent()) {
                return ref.get();
            }
            pause();
        }
        throw new Incomplete(key.id() + address.map(a -> " at " + a).orElse("")
                + " never registered with the Receptionist within " + DISCOVERY_TIMEOUT);
    }

    private String hostPort(ActorRef<?> ref) {
        var a = ref.path().address();
        if (a.hasLocalScope()) {
            a = system.address(); // cannot happen for nodes: the conductor has its own system
        }
        return a.getHost().orElse("") + ":" + a.getPort().orElse(0);
    }

    /** Asks the monitor singleton until it answers: it may still be starting on the oldest monitor node. */
    private <R> R askUntil(
            ActorRef<MonitorProtocol.Command> to, Function<ActorRef<R>, MonitorProtocol.Command> msg, String what)
            throws Incomplete {
        long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
        Incomplete last = null;
        while (System.nanoTime() < deadline) {
            try {
                return ask(to, msg, Duration.ofSeconds(2), what);
            } catch (Incomplete e) {
                last = e;
            }
        }
        throw last != null ? last : new Incomplete(what + " timed out");
    }

    private <T, R> R ask(ActorRef<T> to, Function<ActorRef<R>, T> msg, Duration timeout, String what)
            throws Incomplete {
        CompletionStage<R> reply = AskPattern.ask(to, msg::apply, timeout, system.scheduler());
        return await(reply, timeout.plusSeconds(1), what);
    }

    private static <R> R await(CompletionStage<R> stage, Duration timeout, String what) throws Incomplete {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new Incomplete(what + " got no answer: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new Incomplete(what + " got no answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Incomplete(what + " was interrupted");
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100); // polling the eventually consistent Receptionist, not synchronising
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
