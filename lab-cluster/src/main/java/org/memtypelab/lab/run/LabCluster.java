package org.memtypelab.lab.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.memtypelab.lab.cluster.ClusterFormationException;
import org.memtypelab.lab.cluster.EmbeddedCluster;
import org.memtypelab.lab.cluster.ProcessCluster;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.runtime.cluster.NodeConfig;
import org.memtypelab.runtime.cluster.TimeFactor;

/** The cluster a run plays on: every role in this JVM (embedded), or one JVM per node role plus this one. */
public interface LabCluster extends AutoCloseable {

    /** Every role of a run. */
    List<NodeRole> ROLES = List.of(NodeRole.values());

    Duration FORMATION_TIMEOUT = TimeFactor.scale(Duration.ofSeconds(60));

    /** The conductor's ActorSystem. */
    ActorSystem<?> conductor();

    /** {@code embedded} or {@code processes}. */
    String mode();

    /** Crashes {@code role}: terminate without leaving (embedded), {@code kill -9} (processes). */
    void kill(NodeRole role);

    /**
     * Starts a new incarnation of a killed {@code role}, waits until it is Up; returns its {@code host:port} (in a
     * simulated cluster, where every actor is local: its actor's name).
     */
    String restart(NodeRole role);

    /** Freezes {@code role} for {@code length} and returns at once; it goes on by itself afterwards. */
    default void pause(NodeRole role, Duration length) {
        throw new UnsupportedOperationException(mode() + " cluster cannot pause nodes");
    }

    /** The coherency monitor the conductor reports to: the cluster singleton's proxy, unless the cluster keeps its own. */
    default ActorRef<MonitorProtocol.Command> monitor() {
        return NodeGuardians.monitor(conductor());
    }

    /** Called before each run; a simulated cluster starts every run from the same state. */
    default void beforeRun() {}

    /**
     * Waits up to {@code bound} for a run's {@code result}; a simulated cluster drives its virtual time meanwhile, and
     * gives up as soon as nothing more can happen.
     */
    default <T> T await(CompletableFuture<T> result, Duration bound)
            throws TimeoutException, InterruptedException, ExecutionException {
        return result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The private network this cluster plays on ({@code --network isolated}): network faults are real there. */
    default java.util.Optional<org.memtypelab.lab.network.PrivateNetwork> network() {
        return java.util.Optional.empty();
    }

    @Override
    void close();

    /**
     * {@code cluster} for a caller that closes the clusters it is given (a campaign runner) while this one must stay
     * warm: every call goes to {@code cluster}, but closing does nothing.
     */
    static LabCluster unclosed(LabCluster cluster) {
        return new LabCluster() {
            @Override
            public ActorSystem<?> conductor() {
                return cluster.conductor();
            }

            @Override
            public String mode() {
                return cluster.mode();
            }

            @Override
            public void kill(NodeRole role) {
                cluster.kill(role);
            }

            @Override
            public String restart(NodeRole role) {
                return cluster.restart(role);
            }

            @Override
            public void pause(NodeRole role, Duration length) {
                cluster.pause(role, length);
            }

            @Override
            public ActorRef<MonitorProtocol.Command> monitor() {
                return cluster.monitor();
            }

            @Override
            public void beforeRun() {
                cluster.beforeRun();
            }

            @Override
            public <T> T await(CompletableFuture<T> result, Duration bound)
                    throws TimeoutException, InterruptedException, ExecutionException {
                return cluster.await(result, bound);
            }

            @Override
            public java.util.Optional<org.memtypelab.lab.network.PrivateNetwork> network() {
                return cluster.network();
            }

            @Override
            public void close() {}
        };
    }

    /** How often an embedded cluster is formed afresh when nodes were downed while it formed (a busy machine). */
    int FORMATION_ATTEMPTS = 3;

    /**
     * Forms an embedded cluster; on a machine so busy that the failure detector downed nodes while it formed, starts
     * a fresh one, up to {@link #FORMATION_ATTEMPTS} times.
     */
    private static EmbeddedCluster formEmbedded(Waits waits) {
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            waits.on("the " + ROLES.size() + " ActorSystems of the cluster to be Up"
                    + (attempt > 1 ? " (attempt " + attempt + " of " + FORMATION_ATTEMPTS + ")" : ""));
            EmbeddedCluster cluster = EmbeddedCluster.start(ROLES, NodeGuardians.counting());
            try {
                return cluster.awaitUp(FORMATION_TIMEOUT);
            } catch (ClusterFormationException e) {
                cluster.close();
                failures.add(e.getMessage());
                if (attempt == FORMATION_ATTEMPTS) {
                    throw new ClusterFormationException(
                            FORMATION_ATTEMPTS + " attempts failed: " + String.join("; then ", failures));
                }
            }
        }
    }

    /** All roles as ActorSystems in this JVM over loopback Artery, ports 0. */
    static LabCluster embedded() {
        return embedded(new Waits());
    }

    /** {@link #embedded()}, saying in {@code waits} what the formation waits for. */
    static LabCluster embedded(Waits waits) {
        EmbeddedCluster cluster;
        try {
            cluster = formEmbedded(waits);
        } finally {
            waits.off();
        }
        return new LabCluster() {
            @Override
            public ActorSystem<?> conductor() {
                return cluster.system(NodeRole.CONDUCTOR);
            }

            @Override
            public String mode() {
                return "embedded";
            }

            @Override
            public void pause(NodeRole role, Duration length) {
                cluster.pause(role, length);
            }

            @Override
            public void kill(NodeRole role) {
                cluster.kill(role);
            }

            @Override
            public String restart(NodeRole role) {
                ActorSystem<Void> system = cluster.restart(role);
                cluster.awaitUp(FORMATION_TIMEOUT);
                var a = system.address();
                return a.getHost().orElse("") + ":" + a.getPort().orElse(0);
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }

    /**
     * Every role as actors of one ActorSystem in this JVM, run one task at a time by a deterministic loop in virtual
     * time ({@code --nodes sim}): the same node actors and models as the other modes, without a network.
     */
    static LabCluster sim() {
        return org.memtypelab.lab.sim.SimCluster.start();
    }

    /** One JVM per node role ({@code memtype-lab node ROLE}); the conductor joins from this JVM. */
    static LabCluster processes(Path logDir) {
        return processes(logDir, new Waits());
    }

    /** {@link #processes(Path)}, saying in {@code waits} what the formation waits for. */
    static LabCluster processes(Path logDir, Waits waits) {
        List<NodeRole> nodes =
                ROLES.stream().filter(r -> r != NodeRole.CONDUCTOR).toList();
        ProcessCluster cluster;
        try {
            cluster = ProcessCluster.builder().logDir(logDir).waits(waits).start(nodes);
        } finally {
            waits.off();
        }
        ActorSystem<Void> conductor = null;
        try {
            waits.on("the conductor to join the node JVMs' cluster");
            conductor = ActorSystem.create(
                    NodeGuardians.guardian(NodeRole.CONDUCTOR, 1),
                    NodeConfig.systemName(),
                    NodeConfig.forRole(NodeRole.CONDUCTOR)
                            .withSeedNodes(List.of(cluster.seed()))
                            .toConfig());
            awaitUp(conductor);
            waits.off();
        } catch (RuntimeException e) {
            waits.off();
            if (conductor != null) {
                conductor.terminate();
            }
            cluster.close();
            throw e;
        }
        ActorSystem<Void> system = conductor;
        return new LabCluster() {
            @Override
            public ActorSystem<?> conductor() {
                return system;
            }

            @Override
            public String mode() {
                return "processes";
            }

            private final java.util.Map<NodeRole, Long> incarnations = new java.util.EnumMap<>(NodeRole.class);

            @Override
            public void pause(NodeRole role, Duration length) {
                cluster.pause(role, length);
            }

            @Override
            public void kill(NodeRole role) {
                cluster.kill(role);
            }

            @Override
            public String restart(NodeRole role) {
                long incarnation = incarnations.merge(role, 2L, (a, b) -> a + 1);
                return cluster.restart(role, incarnation);
            }

            @Override
            public void close() {
                system.terminate();
                try {
                    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // closing anyway: the child JVMs must not outlive us
                }
                cluster.close();
            }
        };
    }

    /**
     * Only the conductor, joining a cluster whose nodes someone started (on other hosts: {@code memtype-lab node NODE
     * --bind HOST:PORT --seed SEED}); {@code host} and {@code port} are where the conductor listens (port 0: any).
     * Its nodes run elsewhere, so this cluster cannot kill or restart them.
     */
    static LabCluster joined(String seed, String host, int port, Waits waits) {
        waits.on("the conductor to join the cluster at " + seed);
        ActorSystem<Void> conductor = ActorSystem.create(
                NodeGuardians.guardian(NodeRole.CONDUCTOR, 1),
                NodeConfig.systemName(),
                NodeConfig.forRole(NodeRole.CONDUCTOR)
                        .withHostname(host)
                        .withPort(port)
                        .withSeedNodes(List.of(seed))
                        .toConfig());
        try {
            awaitUp(conductor);
        } catch (RuntimeException e) {
            conductor.terminate();
            throw e;
        } finally {
            waits.off();
        }
        return new LabCluster() {
            @Override
            public ActorSystem<?> conductor() {
                return conductor;
            }

            @Override
            public String mode() {
                return "joined";
            }

            @Override
            public void kill(NodeRole role) {
                throw new UnsupportedOperationException("the nodes of a joined cluster run elsewhere");
            }

            @Override
            public String restart(NodeRole role) {
                throw new UnsupportedOperationException("the nodes of a joined cluster run elsewhere");
            }

            @Override
            public void close() {
                conductor.terminate();
                try {
                    conductor.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // leaving is best effort: the others' failure detector removes it anyway
                }
            }
        };
    }

    private static void awaitUp(ActorSystem<?> system) {
        java.util.concurrent.CompletableFuture<Void> up = new java.util.concurrent.CompletableFuture<>();
        org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
                .registerOnMemberUp(() -> up.complete(null));
        try {
            up.get(FORMATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new ClusterFormationException("the conductor did not become Up within " + FORMATION_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterFormationException("interrupted while joining");
        }
    }
}
