package org.memtypelab.lab.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.memtypelab.lab.cluster.ClusterFormationException;
import org.memtypelab.lab.cluster.ProcessCluster;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.lab.network.Isolation;
import org.memtypelab.lab.network.PrivateNetwork;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.runtime.cluster.NodeConfig;

/**
 * {@code --nodes processes --network isolated}, inside the private network namespace the command re-launched itself
 * in: one JVM per node, each on its own loopback address ({@link PrivateNetwork#address}), the conductor on
 * 127.0.0.7, and network faults as nftables rules. Before each run the network is healed and every node the Split
 * Brain Resolver downed (it stopped itself) is started again as a new incarnation, so a warm cluster plays on.
 */
public final class IsolatedCluster implements LabCluster {

    private static final Duration POLL = Duration.ofMillis(100);

    private final ProcessCluster nodes;
    private final ActorSystem<Void> conductor;
    private final PrivateNetwork network;
    private final Waits waits;
    private final Map<NodeRole, Long> incarnations = new EnumMap<>(NodeRole.class);

    private IsolatedCluster(ProcessCluster nodes, ActorSystem<Void> conductor, PrivateNetwork network, Waits waits) {
        this.nodes = nodes;
        this.conductor = conductor;
        this.network = network;
        this.waits = waits;
    }

    /** Starts the cluster on the private network; only inside the namespace ({@link Isolation#inside()}). */
    public static LabCluster start(Path logDir, Waits waits) {
        if (!Isolation.inside()) {
            throw new IllegalStateException("an isolated cluster starts only inside the lab's network namespace");
        }
        Isolation.bringUpLoopback();
        ProcessCluster[] started = new ProcessCluster[1];
        ActorSystem<?>[] own = new ActorSystem<?>[1];
        PrivateNetwork network = new PrivateNetwork(role -> role == NodeRole.CONDUCTOR
                ? own[0].address().getPort().orElse(0)
                : Integer.parseInt(started[0]
                        .address(role)
                        .substring(started[0].address(role).lastIndexOf(':') + 1)));
        network.newRun();
        List<NodeRole> roles =
                ROLES.stream().filter(r -> r != NodeRole.CONDUCTOR).toList();
        try {
            started[0] = ProcessCluster.builder()
                    .logDir(logDir)
                    .waits(waits)
                    .hosts(PrivateNetwork::address)
                    .lines((role, line) -> network.observe(role.label(), line))
                    .start(roles);
        } finally {
            waits.off();
        }
        ActorSystem<Void> conductor = null;
        try {
            waits.on("the conductor to join the node JVMs' cluster on the private network");
            conductor = ActorSystem.create(
                    NodeGuardians.guardian(NodeRole.CONDUCTOR, 1),
                    NodeConfig.systemName(),
                    NodeConfig.forRole(NodeRole.CONDUCTOR)
                            .withOverrides(PrivateNetwork.listenOn(PrivateNetwork.address(NodeRole.CONDUCTOR)))
                            .withSeedNodes(List.of(started[0].seed()))
                            .toConfig());
            own[0] = conductor;
            awaitMemberUp(conductor);
            conductor.systemActorOf(watch(network), "lab-network-watch", Props.empty());
        } catch (RuntimeException e) {
            if (conductor != null) {
                conductor.terminate();
            }
            started[0].close();
            throw e;
        } finally {
            waits.off();
        }
        return new IsolatedCluster(started[0], conductor, network, waits);
    }

    @Override
    public ActorSystem<?> conductor() {
        return conductor;
    }

    @Override
    public String mode() {
        return "processes";
    }

    @Override
    public Optional<PrivateNetwork> network() {
        return Optional.of(network);
    }

    @Override
    public void pause(NodeRole role, Duration length) {
        nodes.pause(role, length);
    }

    @Override
    public void kill(NodeRole role) {
        nodes.kill(role);
    }

    @Override
    public String restart(NodeRole role) {
        long incarnation = incarnations.merge(role, 2L, (a, b) -> a + 1);
        return nodes.restart(role, incarnation);
    }

    /**
     * Heals the network and brings back every node that is no longer an Up member (the resolver downed it, or a run
     * killed it): a new incarnation joins, and this waits until every node is Up, reachable and listed once.
     */
    @Override
    public void beforeRun() {
        network.newRun();
        long deadline = System.nanoTime() + FORMATION_TIMEOUT.toNanos();
        Map<NodeRole, Long> again = new EnumMap<>(NodeRole.class);
        for (NodeRole role : nodes.roles()) {
            if (upHere(role)) {
                continue;
            }
            waits.on(role.label() + ", downed or killed in the last run, to stop");
            try {
                // a downed node stops its own JVM; one that does not is ended
                nodes.node(role).handle().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (nodes.node(role).isAlive()) {
                    nodes.kill(role);
                }
            }
            again.put(role, incarnations.merge(role, 2L, (a, b) -> a + 1));
        }
        if (!again.isEmpty()) {
            waits.on(again.size() + " node JVMs, downed or killed in the last run, to start again");
            nodes.restart(again);
        }
        waits.on("every node to be Up and reachable again on the private network");
        try {
            await(
                    () -> nodes.roles().stream().allMatch(this::upHere)
                            && Cluster.get(conductor).state().getUnreachable().isEmpty(),
                    deadline,
                    "every node Up and reachable");
            await(this::listedOnce, deadline, "every node listed once by the Receptionist");
        } finally {
            waits.off();
        }
    }

    @Override
    public void close() {
        conductor.terminate();
        try {
            conductor.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway: the child JVMs must not outlive us
        }
        nodes.close();
        network.newRun();
    }

    /** Whether the conductor sees {@code role}'s current JVM as an Up member. */
    private boolean upHere(NodeRole role) {
        if (!nodes.node(role).isAlive()) {
            return false;
        }
        String at = nodes.address(role);
        for (Member m : Cluster.get(conductor).state().getMembers()) {
            if (hostPort(m.address()).equals(at)) {
                return m.status() == MemberStatus.up();
            }
        }
        return false;
    }

    /** Whether the Receptionist lists exactly the current JVM of every node actor (no downed incarnation). */
    private boolean listedOnce() {
        for (NodeRole role : Conductor.NODES) {
            try {
                Receptionist.Listing l = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                                conductor.receptionist(),
                                r -> Receptionist.find(NodeListings.key(role), r),
                                Duration.ofSeconds(3),
                                conductor.scheduler())
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                var refs = l.getAllServiceInstances(NodeListings.key(role));
                if (refs.size() != 1
                        || !hostPort(refs.iterator().next().path().address()).equals(nodes.address(role))) {
                    return false;
                }
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    /** Polls {@code condition} until it holds; a cluster that does not recover by {@code deadline} is an error. */
    private static void await(BooleanSupplier condition, long deadline, String what) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new ClusterFormationException("not " + what + " within " + FORMATION_TIMEOUT);
            }
            try {
                Thread.sleep(POLL.toMillis()); // polling a condition, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterFormationException("interrupted while waiting for " + what);
            }
        }
    }

    /** Reports the conductor's own view of the cluster to the network's record, in the node JVMs' line protocol. */
    private static Behavior<Object> watch(PrivateNetwork network) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions()
                    .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberDowned.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
            String self = NodeRole.CONDUCTOR.label();
            return Behaviors.receive(Object.class)
                    .onMessage(ClusterEvent.UnreachableMember.class, e -> {
                        network.observe(self, "UNREACHABLE " + name(e.member()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.ReachableMember.class, e -> {
                        network.observe(self, "REACHABLE " + name(e.member()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberDowned.class, e -> {
                        network.observe(self, "DOWNED " + name(e.member()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberRemoved.class, e -> {
                        network.observe(self, "REMOVED " + name(e.member()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static String name(Member m) {
        return m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().collect(Collectors.joining(",")) + " "
                + hostPort(m.address());
    }

    private static String hostPort(Address a) {
        return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
    }

    private static void awaitMemberUp(ActorSystem<?> system) {
        CompletableFuture<Void> up = new CompletableFuture<>();
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() -> up.complete(null));
        try {
            up.get(FORMATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new ClusterFormationException("the conductor did not become Up within " + FORMATION_TIMEOUT);
        }
    }
}
