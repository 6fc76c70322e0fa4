package org.memtypelab.lab.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.gpu.GpuProcessNode;
import org.memtypelab.kvm.KvmNode;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.migration.MigrationNode;
import org.memtypelab.monitor.CoherencyMonitor;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.qemu.QemuNode;
import org.memtypelab.runtime.NodeDispatcher;
import org.memtypelab.runtime.cluster.NodeConfig;

/**
 * {@code --nodes sim}: the node actors, the monitor and the conductor's run as actors of one local ActorSystem whose
 * dispatchers and scheduler are one {@link SimLoop}: one task at a time, in submission order, in virtual time. The
 * actors are the very ones the other modes run (the same behaviours, the same core models); only the transport
 * (in-JVM tells instead of Artery) and the clock differ. Every run starts from the same state - fresh node actors of
 * incarnation 1, no timers, the clock at 0 - so a seeded run gives the same trace bytes every time.
 *
 * <p>A kill stops a node's actor (its mailbox and state die with it), a restart spawns a new incarnation, a pause
 * holds its mailbox for the pause's length of virtual time.
 */
public final class SimCluster implements LabCluster {

    /** The setting that names the loop of a simulated ActorSystem. */
    static final String LOOP_SETTING = "memtype-lab.sim.loop";

    /** The roles that run a node actor. */
    private static final List<NodeRole> NODES =
            List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MIGRATION);

    private static final List<String> DISPATCHERS = List.of(
            "pekko.actor.default-dispatcher",
            "pekko.actor.internal-dispatcher",
            "pekko.actor.default-blocking-io-dispatcher",
            "memtype-lab.node-dispatcher");

    private final SimLoop loop;
    private final ActorSystem<Void> system;
    /** Where every node and the conductor send the monitor's messages; it forwards to {@link #monitorActor}. */
    private final ActorRef<Object> monitor;
    /** The monitor of the moment; null while a killed monitor is not restarted. */
    private ActorRef<MonitorProtocol.Command> monitorActor;

    private final Map<NodeRole, ActorRef<?>> nodes = new EnumMap<>(NodeRole.class);
    private final Map<NodeRole, Long> incarnations = new EnumMap<>(NodeRole.class);
    private long spawned;

    private SimCluster(SimLoop loop, ActorSystem<Void> system) {
        this.loop = loop;
        this.system = system;
        this.monitorActor = spawnMonitor();
        this.monitor = system.systemActorOf(MonitorProxy.create(monitorActor), "coherency-monitor", Props.empty());
    }

    /** A simulated cluster with its own loop thread; no node actor runs until the first run. */
    public static SimCluster start() {
        SimLoop loop = SimLoop.start();
        try {
            ActorSystem<Void> system =
                    ActorSystem.create(Behaviors.empty(), NodeConfig.systemName(), config(loop.id()));
            return new SimCluster(loop, system);
        } catch (RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    /** memtype-lab.conf with a local provider, every dispatcher and the scheduler on the loop, and no log output. */
    static Config config(String loopId) {
        StringBuilder sim = new StringBuilder()
                .append(LOOP_SETTING)
                .append(" = \"")
                .append(loopId)
                .append("\"\n")
                .append("pekko.actor.provider = local\n")
                .append("pekko.scheduler.implementation = \"")
                .append(SimScheduler.class.getName())
                .append("\"\n")
                // no logger actor: starting one asks it and waits, and the simulator's output is its traces
                .append("pekko.loggers = [\"org.apache.pekko.event.Logging$StandardOutLogger\"]\n")
                .append("pekko.logging-filter = \"org.apache.pekko.event.DefaultLoggingFilter\"\n")
                .append("pekko.loglevel = OFF\npekko.stdout-loglevel = OFF\npekko.log-dead-letters = off\n")
                .append("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n");
        for (String d : DISPATCHERS) {
            sim.append(d)
                    .append(" { type = Dispatcher, executor = \"")
                    .append(SimExecutor.class.getName())
                    .append("\", sim-loop = \"")
                    .append(loopId)
                    .append("\", throughput = 1 }\n");
        }
        return NodeConfig.forRole(NodeRole.CONDUCTOR)
                .withOverrides(ConfigFactory.parseString(sim.toString()))
                .toConfig();
    }

    @Override
    public ActorSystem<?> conductor() {
        return system;
    }

    @Override
    public String mode() {
        return "sim";
    }

    @Override
    public ActorRef<MonitorProtocol.Command> monitor() {
        return monitor.narrow();
    }

    /** Fresh node actors of incarnation 1, no timers of the run before, the clock at 0. */
    @Override
    public void beforeRun() {
        try {
            nodes.values().forEach(this::stop);
            nodes.clear();
            incarnations.clear();
            loop.settle();
            loop.reset();
            NODES.forEach(this::spawn);
            if (monitorActor == null) {
                restart(NodeRole.MONITOR); // killed in the run before, which ended first
            }
            loop.settle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a simulated run", e);
        }
    }

    @Override
    public <T> T await(CompletableFuture<T> result, Duration bound)
            throws TimeoutException, InterruptedException, ExecutionException {
        if (!loop.drive(result, bound)) {
            throw new TimeoutException(
                    "nothing more can happen within " + bound + " of virtual time: " + loop.describe());
        }
        return result.get();
    }

    /** A crash: the node's actor stops, its state and queued messages with it. */
    @Override
    public void kill(NodeRole role) {
        if (role == NodeRole.MONITOR) {
            if (monitorActor != null) {
                monitor.tell(new MonitorProxy.Current(null));
                stop(monitorActor);
                monitorActor = null;
            }
            return;
        }
        ActorRef<?> ref = nodes.remove(role);
        if (ref != null) {
            stop(ref);
        }
    }

    /** A new incarnation of {@code role}; every actor is local, so it is told apart by its actor's name. */
    @Override
    public String restart(NodeRole role) {
        kill(role);
        if (role == NodeRole.MONITOR) {
            monitorActor = spawnMonitor();
            monitor.tell(new MonitorProxy.Current(monitorActor));
            return monitorActor.path().name();
        }
        spawn(role);
        return nodes.get(role).path().name();
    }

    @Override
    public void pause(NodeRole role, Duration length) {
        ActorRef<?> ref = role == NodeRole.MONITOR ? monitorActor : nodes.get(role);
        if (ref != null) {
            loop.pause(ref.path().toStringWithoutAddress(), length.toMillis());
        }
    }

    @Override
    public void close() {
        system.terminate();
        try {
            loop.drive(system.getWhenTerminated().toCompletableFuture(), Duration.ofMinutes(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            loop.close();
        }
    }

    /** Lets {@code chooser} decide which actor runs next when several could (an explorer); null: the oldest first. */
    public void chooser(SimLoop.Chooser chooser) {
        loop.chooser(chooser);
    }

    /** The loop (benchmarks count its tasks). */
    public SimLoop loop() {
        return loop;
    }

    private ActorRef<MonitorProtocol.Command> spawnMonitor() {
        return system.systemActorOf(CoherencyMonitor.create(), "monitor-" + (++spawned), Props.empty());
    }

    private void spawn(NodeRole role) {
        long incarnation = incarnations.merge(role, 1L, Long::sum);
        Behavior<?> behavior = switch (role) {
            case KVM -> KvmNode.create(incarnation, monitor());
            case QEMU -> QemuNode.create(incarnation, monitor());
            case GPU_PROCESS -> GpuProcessNode.create(incarnation, monitor());
            case MIGRATION -> MigrationNode.create(incarnation, monitor());
            default -> throw new IllegalArgumentException(role + " has no node actor");
        };
        nodes.put(role, spawn(behavior, role.label() + "-" + (++spawned)));
    }

    private <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
        return system.systemActorOf(behavior, name, NodeDispatcher.PROPS);
    }

    private void stop(ActorRef<?> ref) {
        Adapter.toClassic(system).stop(Adapter.toClassic(ref));
    }
}
