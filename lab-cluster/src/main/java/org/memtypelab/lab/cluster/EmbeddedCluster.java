package org.memtypelab.lab.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.runtime.cluster.NodeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster ActorSystem per node role in this JVM, joined over loopback Artery: the embedded mode and the test
 * fixture (like Ratis' MiniRaftCluster). Any node can be crashed ({@link #kill}) and brought back ({@link #restart}).
 *
 * <p>Systems are created with {@code run-by-actor-system-terminate = off}, so {@code ActorSystem.terminate()} is a
 * crash (no graceful leave) and {@link #close()} leaves gracefully through {@code CoordinatedShutdown}.
 */
public final class EmbeddedCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(15);
    private static final Config EMBEDDED =
            ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-actor-system-terminate = off");

    private final Function<NodeRole, Behavior<Void>> guardians;
    private final Config overrides;
    private final String systemName = NodeConfig.systemName();
    /** Live systems in join order; the first live one is the join target for restarts. */
    private final Map<NodeRole, ActorSystem<Void>> live = new LinkedHashMap<>();

    private final Map<NodeRole, Integer> incarnations = new EnumMap<>(NodeRole.class);
    private final long startedNanos = System.nanoTime();
    private Duration formationTime;

    private EmbeddedCluster(Function<NodeRole, Behavior<Void>> guardians, Config overrides) {
        this.guardians = guardians;
        this.overrides = overrides;
    }

    /** Starts one system per role with the default settings; call {@link #awaitUp} before using it. */
    public static EmbeddedCluster start(Collection<NodeRole> roles, Function<NodeRole, Behavior<Void>> guardians) {
        return start(roles, guardians, ConfigFactory.empty());
    }

    /**
     * Starts one system per role, in order: the first joins itself, the others join the first.
     *
     * @param guardians the guardian behavior of each node (e.g. {@code r -> Behaviors.empty()})
     * @param overrides settings layered over {@code memtype-lab.conf} for every system (e.g. test settings)
     */
    public static EmbeddedCluster start(
            Collection<NodeRole> roles, Function<NodeRole, Behavior<Void>> guardians, Config overrides) {
        if (roles.isEmpty() || Set.copyOf(roles).size() != roles.size()) {
            throw new IllegalArgumentException("need distinct roles, got " + roles);
        }
        EmbeddedCluster cluster = new EmbeddedCluster(guardians, overrides);
        try {
            for (NodeRole role : roles) {
                cluster.startSystem(role);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * Waits until every live system sees exactly the live systems as members, all Up and reachable (checking each
     * system's cluster state every 20 ms); measures the formation time on the first success.
     *
     * @throws ClusterFormationException naming the roles that are not Up everywhere after {@code timeout}
     */
    public synchronized EmbeddedCluster awaitUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Problem> problems = problems();
        while (!problems.isEmpty()) {
            // a node that was downed while the cluster formed never comes back: waiting longer cannot help
            boolean stopped = live.values().stream()
                    .anyMatch(
                            sys -> sys.getWhenTerminated().toCompletableFuture().isDone());
            if (stopped || System.nanoTime() - deadline > 0) {
                throw new ClusterFormationException(describe(timeout, problems));
            }
            LockSupport.parkNanos(POLL.toNanos());
            problems = problems();
        }
        if (formationTime == null) {
            formationTime = Duration.ofNanos(System.nanoTime() - startedNanos);
            LOG.info("{} nodes Up after {} ms", live.size(), formationTime.toMillis());
        }
        return this;
    }

    /** Time from {@link #start} until the first successful {@link #awaitUp}, or null before that. */
    public synchronized Duration formationTime() {
        return formationTime;
    }

    /** The live system of {@code role}. */
    public synchronized ActorSystem<Void> system(NodeRole role) {
        ActorSystem<Void> system = live.get(role);
        if (system == null) {
            throw new IllegalStateException(role + " is not running");
        }
        return system;
    }

    /** The roles whose systems are running, in join order. */
    public synchronized List<NodeRole> roles() {
        return List.copyOf(live.keySet());
    }

    /** How many systems {@code role} has had: 1 after start, +1 per {@link #restart}; 0 if never started. */
    public synchronized int incarnation(NodeRole role) {
        return incarnations.getOrDefault(role, 0);
    }

    /** The cluster address ({@code pekko://memtype-lab@127.0.0.1:port}) of the live system of {@code role}. */
    public synchronized Address address(NodeRole role) {
        return Cluster.get(system(role)).selfMember().address();
    }

    /** Crashes {@code role}: terminates its system without leaving, so the others must detect it and down it. */
    /**
     * The embedded equivalent of a long GC pause of {@code role}'s JVM: every thread of its ActorSystem's dispatchers
     * (default, internal - cluster heartbeats -, remoting and the node's own) is held until {@code length} has passed,
     * so it neither handles messages nor answers heartbeats; returns at once. Tasks queued behind the holders return
     * immediately once the pause is over.
     */
    public synchronized void pause(NodeRole role, java.time.Duration length) {
        ActorSystem<Void> sys = system(role);
        long end = System.nanoTime() + length.toNanos();
        Runnable hold = () -> {
            for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        };
        for (org.apache.pekko.actor.typed.DispatcherSelector d : List.of(
                org.apache.pekko.actor.typed.DispatcherSelector.defaultDispatcher(),
                org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("pekko.actor.internal-dispatcher"),
                org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("pekko.remote.default-remote-dispatcher"),
                org.memtypelab.runtime.NodeDispatcher.PROPS)) {
            java.util.concurrent.Executor threads = sys.dispatchers().lookup(d);
            for (int i = 0; i < PAUSE_HOLDERS; i++) {
                threads.execute(hold);
            }
        }
    }

    /** Holders per dispatcher: more than any of them has threads (the default dispatcher's pool is the largest). */
    private static final int PAUSE_HOLDERS = 64;

    public synchronized void kill(NodeRole role) {
        ActorSystem<Void> system = system(role);
        live.remove(role);
        system.terminate();
        awaitTerminated(List.of(system));
    }

    /** Starts a new incarnation of a killed {@code role} (new port, new uid) that joins the surviving cluster. */
    public synchronized ActorSystem<Void> restart(NodeRole role) {
        if (live.containsKey(role)) {
            throw new IllegalStateException(role + " is still running; kill it first");
        }
        if (!incarnations.containsKey(role)) {
            throw new IllegalStateException(role + " was never part of this cluster");
        }
        return startSystem(role);
    }

    /** Leaves and stops every live system, waiting (bounded) until all have terminated. */
    @Override
    public synchronized void close() {
        List<ActorSystem<Void>> systems = new ArrayList<>(live.values());
        live.clear();
        for (ActorSystem<Void> system : systems) {
            CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.clusterLeavingReason());
        }
        awaitTerminated(systems);
    }

    private ActorSystem<Void> startSystem(NodeRole role) {
        Config config = NodeConfig.forRole(role)
                .withOverrides(overrides.withFallback(EMBEDDED))
                .toConfig();
        Address joinTo = live.isEmpty()
                ? null
                : Cluster.get(live.values().iterator().next()).selfMember().address();
        ActorSystem<Void> system = ActorSystem.create(guardians.apply(role), systemName, config);
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(joinTo == null ? cluster.selfMember().address() : joinTo));
        live.put(role, system);
        incarnations.merge(role, 1, Integer::sum);
        return system;
    }

    /** Why the cluster is not (yet) Up: {@code subject} is the node concerned, {@code text} says what is wrong. */
    private record Problem(String subject, String text) {}

    private List<Problem> problems() {
        Map<UniqueAddress, NodeRole> expected = new LinkedHashMap<>();
        live.forEach(
                (role, system) -> expected.put(Cluster.get(system).selfMember().uniqueAddress(), role));
        List<Problem> problems = new ArrayList<>();
        live.forEach((observer, system) -> {
            if (system.getWhenTerminated().toCompletableFuture().isDone()) {
                problems.add(new Problem(observer.label(), observer + " has stopped (downed or shut down)"));
                return;
            }
            ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
            Map<UniqueAddress, Member> seen = new LinkedHashMap<>();
            state.getMembers().forEach(m -> seen.put(m.uniqueAddress(), m));
            Set<UniqueAddress> unreachable =
                    state.getUnreachable().stream().map(Member::uniqueAddress).collect(Collectors.toSet());
            expected.forEach((address, role) -> {
                Member member = seen.remove(address);
                String subject = role.label();
                if (member == null) {
                    problems.add(new Problem(subject, observer + " does not see " + role));
                } else if (member.status() != MemberStatus.up()) {
                    problems.add(new Problem(subject, observer + " sees " + role + " " + member.status()));
                } else if (unreachable.contains(address)) {
                    problems.add(new Problem(subject, observer + " sees " + role + " unreachable"));
                }
            });
            for (Member stale : seen.values()) {
                String subject = Members.nodeName(stale) + "@" + Members.hostPort(stale.address());
                String reach = unreachable.contains(stale.uniqueAddress()) ? " unreachable" : "";
                problems.add(new Problem(subject, observer + " still sees " + subject + " " + stale.status() + reach));
            }
        });
        return problems;
    }

    private static String describe(Duration timeout, List<Problem> problems) {
        String subjects = problems.stream().map(Problem::subject).distinct().collect(Collectors.joining(", "));
        String details = problems.stream().map(Problem::text).collect(Collectors.joining("; "));
        return "cluster not Up after " + timeout.toMillis() + " ms; not Up everywhere: " + subjects + " (" + details
                + ")";
    }

    private static void awaitTerminated(List<ActorSystem<Void>> systems) {
        CompletableFuture<?>[] all = systems.stream()
                .map(s -> s.getWhenTerminated().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(TERMINATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("systems did not terminate within {} ms; forcing", TERMINATE_TIMEOUT.toMillis());
            systems.forEach(ActorSystem::terminate);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            systems.forEach(ActorSystem::terminate);
        }
    }
}
