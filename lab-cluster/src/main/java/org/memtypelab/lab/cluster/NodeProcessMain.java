package org.memtypelab.lab.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.runtime.cluster.NodeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lab node as its own JVM (process mode, {@code memtype-lab node NODE}): starts the node's system, announces it
 * on stdout and lives until the system terminates.
 *
 * <p>Stdout is a line protocol read by {@link ProcessCluster}: {@code READY <node> <host:port>} once this member is
 * Up, {@code REMOVED <node> <host:port>} whenever another member leaves or is downed; what this node's failure detector
 * and the Split Brain Resolver decide about the others: {@code UNREACHABLE}, {@code REACHABLE} and {@code DOWNED}
 * followed by {@code <node> <host:port>}. Logs go to stderr.
 */
public final class NodeProcessMain {

    /** First word of the line printed when this member is Up. */
    public static final String READY = "READY";
    /** First word of the line printed when another member is removed from the cluster. */
    public static final String REMOVED = "REMOVED";
    /** First word of the line printed when this node's failure detector suspects another member. */
    public static final String UNREACHABLE = "UNREACHABLE";
    /** First word of the line printed when a suspected member is reachable again. */
    public static final String REACHABLE = "REACHABLE";
    /** First word of the line printed when a member (this one included) is marked Down. */
    public static final String DOWNED = "DOWNED";
    /** System property: when {@code true} the node stops when the process that started it exits (no orphans). */
    public static final String EXIT_WITH_PARENT = "memtype-lab.exit-with-parent";
    /** Exit code when the node was downed or could not join (SCENARIOS.md: the run could not complete). */
    public static final int EXIT_LOST = 3;

    // Created before any ActorSystem so SLF4J initialises on one thread (else it warns about replayed calls)
    private static final Logger LOG = LoggerFactory.getLogger(NodeProcessMain.class);

    private NodeProcessMain() {}

    /** Runs {@code role} with no overrides, announcing on stdout; blocks until its system terminates. */
    public static int run(NodeRole role, String seed, int port, Function<NodeRole, Behavior<Void>> guardians) {
        return run(role, seed, port, guardians, ConfigFactory.empty(), System.out);
    }

    /**
     * Starts the node and blocks until its system terminates.
     *
     * @param seed {@code host:port} of the seed node; null or this node's own address makes this node the seed
     * @param port Artery port of this node; 0 = any free port (not allowed for the seed)
     * @param overrides settings over {@code memtype-lab.conf}, e.g. from {@code --config FILE}
     * @return 0 after a normal stop, {@link #EXIT_LOST} if the node was downed or could not join
     */
    public static int run(
            NodeRole role,
            String seed,
            int port,
            Function<NodeRole, Behavior<Void>> guardians,
            Config overrides,
            PrintStream out) {
        NodeConfig node = NodeConfig.forRole(role).withPort(port).withOverrides(overrides);
        String host = node.toConfig().getString("pekko.remote.artery.canonical.hostname");
        if (seed == null || seed.isBlank()) {
            if (port == 0) {
                throw new IllegalArgumentException("the seed node needs a fixed --port");
            }
            seed = host + ":" + port;
        }
        ActorSystem<Void> system = ActorSystem.create(
                guardians.apply(role),
                NodeConfig.systemName(),
                node.withSeedNodes(List.of(seed)).toConfig());
        system.systemActorOf(reporter(role, out), "lab-node-reporter", Props.empty());
        LOG.info("{} started, joining {}", role, seed);
        if (Boolean.getBoolean(EXIT_WITH_PARENT)) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(system::terminate));
        }
        system.getWhenTerminated().toCompletableFuture().join();
        var reason = CoordinatedShutdown.get(system).getShutdownReason();
        boolean lost = reason.isPresent()
                && (reason.get().equals(CoordinatedShutdown.clusterDowningReason())
                        || reason.get().equals(CoordinatedShutdown.clusterJoinUnsuccessfulReason()));
        return lost ? EXIT_LOST : 0;
    }

    /** Prints READY when this member is Up and REMOVED for every member that leaves the cluster afterwards. */
    private static Behavior<Object> reporter(NodeRole role, PrintStream out) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), SelfUp.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
            cluster.subscriptions()
                    .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberDowned.class));
            return Behaviors.receive(Object.class)
                    .onMessage(SelfUp.class, up -> {
                        println(
                                out,
                                READY + " " + role.label() + " "
                                        + Members.hostPort(cluster.selfMember().address()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.UnreachableMember.class, e -> {
                        println(out, UNREACHABLE + " " + describe(e.member()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.ReachableMember.class, e -> {
                        println(out, REACHABLE + " " + describe(e.member()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberDowned.class, e -> {
                        println(out, DOWNED + " " + describe(e.member()));
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberRemoved.class, removed -> {
                        Member m = removed.member();
                        println(out, REMOVED + " " + Members.nodeName(m) + " " + Members.hostPort(m.address()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static String describe(Member m) {
        return Members.nodeName(m) + " " + Members.hostPort(m.address());
    }

    private static void println(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
