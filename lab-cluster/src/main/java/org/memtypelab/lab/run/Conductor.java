package org.memtypelab.lab.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.Step;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.runtime.NodeDispatcher;
import org.memtypelab.runtime.cluster.TimeFactor;

/**
 * The conductor: finds the nodes, sets up a run, arms each step's faults, drives the steps one by one through
 * requests with timeouts and retries (a node answers a repeated command without acting twice), and asks the monitor
 * for its verdict. Each run is a {@link ConductorRun} actor on the conductor's ActorSystem, which owns the cluster
 * handle for kills and restarts; {@link #run} waits for its outcome, for the callers (CLI, campaigns) that play runs
 * one after the other.
 */
public final class Conductor {

    static final Duration ATTEMPT = Duration.ofSeconds(2);
    static final int ATTEMPTS = 3;
    static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(15);
    static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);
    /** Between asks of a monitor singleton that is still starting. */
    static final Duration MONITOR_PAUSE = Duration.ofMillis(100);
    /** How long a run abandoned at its bound gets to close its trace and hand over what it has. */
    static final Duration ABANDON_GRACE = TimeFactor.scale(Duration.ofSeconds(5));

    /** The bounds above, times the {@link TimeFactor} in effect (a loaded machine or CI raises it). */
    static final RunTimeouts TIMEOUTS = new RunTimeouts(
                    ATTEMPT, ATTEMPTS, CONTROL_TIMEOUT, DISCOVERY_TIMEOUT, REPORT_TIMEOUT, MONITOR_PAUSE)
            .scaled(TimeFactor.current());

    /** The roles that run a node actor. */
    static final List<NodeRole> NODES = List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MIGRATION);

    private static final AtomicLong RUNS = new AtomicLong();

    private final LabCluster cluster;
    private final ActorSystem<?> system;
    private final ActorRef<MonitorProtocol.Command> monitor;
    private final RunTimeouts timeouts;
    private final Waits waits;

    public Conductor(LabCluster cluster) {
        this(cluster, new Waits());
    }

    /** A conductor that says in {@code waits} what its runs wait for. */
    public Conductor(LabCluster cluster, Waits waits) {
        this(cluster, cluster.monitor(), TIMEOUTS, waits);
    }

    Conductor(LabCluster cluster, ActorRef<MonitorProtocol.Command> monitor, RunTimeouts timeouts) {
        this(cluster, monitor, timeouts, new Waits());
    }

    private Conductor(
            LabCluster cluster, ActorRef<MonitorProtocol.Command> monitor, RunTimeouts timeouts, Waits waits) {
        this.waits = waits;
        this.cluster = cluster;
        this.system = cluster.conductor();
        this.monitor = monitor;
        this.timeouts = timeouts;
    }

    /** Runs {@code scenario} with its own {@code faults}. */
    public RunOutcome run(Scenario scenario, long seed, Path dir, String runId) {
        return run(scenario, seed, dir, runId, FaultPlan.of(scenario));
    }

    /** Runs {@code scenario} with {@code seed} and {@code plan}, writing the conductor's trace into {@code dir}. */
    public RunOutcome run(Scenario scenario, long seed, Path dir, String runId, FaultPlan plan) {
        cluster.beforeRun();
        long start = System.nanoTime();
        CompletableFuture<RunOutcome> result = new CompletableFuture<>();
        ActorRef<ConductorRun.Command> run;
        try {
            run = system.systemActorOf(
                    ConductorRun.create(
                            cluster,
                            monitor,
                            new ConductorRun.Play(scenario, seed, dir, runId, plan),
                            timeouts,
                            start,
                            waits,
                            result),
                    "conductor-run-" + RUNS.incrementAndGet(),
                    NodeDispatcher.PROPS);
        } catch (RuntimeException e) { // a terminated ActorSystem spawns nothing
            return notFinished("the conductor could not start the run: " + e.getMessage(), start);
        }
        Duration bound = bound(scenario, plan, timeouts);
        try {
            return await(cluster, result, bound);
        } catch (TimeoutException e) {
            String why =
                    "the run did not finish within " + bound + (e.getMessage() == null ? "" : ": " + e.getMessage());
            run.tell(new ConductorRun.Abandon(why));
            try {
                return await(cluster, result, ABANDON_GRACE);
            } catch (TimeoutException | InterruptedException again) {
                return notFinished(why, start);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.tell(new ConductorRun.Abandon("the run was interrupted"));
            return notFinished("the run was interrupted", start);
        }
    }

    /**
     * The longest a run can take if every wait runs into its timeout: discovery, the monitor's reset, setups, every
     * attempt of every step, each fault's control requests, restart and rediscovery, marks and the report.
     */
    static Duration bound(Scenario scenario, FaultPlan plan, RunTimeouts t) {
        int nodes = NODES.size();
        Duration control = t.control().multipliedBy(ConductorRun.CONTROL_PATIENCE);
        Duration bound = t.discovery()
                .plus(t.attempt().plus(t.monitorPause()).multipliedBy(t.monitorAttempts()))
                .plus(control.multipliedBy(2L * nodes))
                .plus(t.report());
        for (Step step : scenario.steps()) {
            bound = bound.plus(t.attempt(step).multipliedBy(t.attempts()));
        }
        Duration perFault = control.multipliedBy(2L * nodes + 1)
                .plus(LabCluster.FORMATION_TIMEOUT)
                .plus(t.discovery());
        return bound.plus(perFault.multipliedBy(plan.armed().size()));
    }

    private static RunOutcome await(LabCluster cluster, CompletableFuture<RunOutcome> result, Duration bound)
            throws TimeoutException, InterruptedException {
        try {
            return cluster.await(result, bound);
        } catch (ExecutionException e) {
            // a bug, or a cluster call that failed: the caller gets it as before, not an incomplete run
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("the conductor failed", e.getCause());
        }
    }

    private static RunOutcome notFinished(String why, long start) {
        return new RunOutcome(
                List.of(),
                new MigrationOutcome(MigrationOutcome.Status.NOT_ATTEMPTED, ""),
                null,
                why,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                List.of(),
                Map.of());
    }
}
