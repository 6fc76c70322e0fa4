package org.memtypelab.lab.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.runtime.cluster.NodeConfig;

/**
 * The baselines' clusters: plain classic ActorSystems with none of our actors, serializers or checkers, on the same
 * Artery and cluster settings as a lab node (taken from {@code memtype-lab.conf}, so they cannot drift apart).
 */
final class BareCluster implements AutoCloseable {

    static final String NAME = "bare";

    private static final Duration POLL = Duration.ofMillis(10);

    private final List<ActorSystem> systems = new ArrayList<>();

    /** A lab node's {@code pekko.remote} and {@code pekko.cluster} settings, without our version checker and roles. */
    static Config config(int port, List<String> seeds) {
        Config lab = NodeConfig.forRole(NodeRole.CONDUCTOR).toConfig();
        Config remote = lab.withOnlyPath("pekko.remote");
        Config cluster = lab.withOnlyPath("pekko.cluster")
                .withoutPath("pekko.cluster.configuration-compatibility-check.checkers.memtype-lab-version")
                .withoutPath("pekko.cluster.roles");
        Config logging = lab.withOnlyPath("pekko.loggers")
                .withFallback(lab.withOnlyPath("pekko.logging-filter"))
                .withFallback(lab.withOnlyPath("pekko.loglevel"))
                .withFallback(lab.withOnlyPath("pekko.stdout-loglevel"));
        return ConfigFactory.empty()
                .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
                .withValue("pekko.coordinated-shutdown.exit-jvm", ConfigValueFactory.fromAnyRef("off"))
                .withValue("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", ConfigValueFactory.fromAnyRef("off"))
                .withFallback(remote)
                .withFallback(cluster)
                .withFallback(logging)
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    /** {@code n} systems in this JVM: the first joins itself, the rest join it; returns once all n are Up. */
    static BareCluster form(int n, Duration timeout) {
        BareCluster bare = new BareCluster();
        try {
            ActorSystem first = bare.start(config(0, List.of()));
            Address seed = Cluster.get(first).selfAddress();
            Cluster.get(first).join(seed);
            for (int i = 1; i < n; i++) {
                Cluster.get(bare.start(config(0, List.of()))).join(seed);
            }
            bare.awaitUp(n, timeout);
            return bare;
        } catch (RuntimeException e) {
            bare.close();
            throw e;
        }
    }

    /** One more system, joining through {@code seed} ({@code host:port}). */
    ActorSystem join(String seed) {
        return start(config(0, List.of("pekko://" + NAME + "@" + seed)));
    }

    ActorSystem start(Config config) {
        ActorSystem s = ActorSystem.create(NAME, config);
        systems.add(s);
        return s;
    }

    ActorSystem system(int i) {
        return systems.get(i);
    }

    /** Waits until every system of this JVM sees {@code members} members, all Up. */
    void awaitUp(int members, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!systems.stream().allMatch(s -> up(s, members))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bare cluster did not form within " + timeout);
            }
            sleep();
        }
    }

    private static boolean up(ActorSystem s, int members) {
        var state = Cluster.get(s).state();
        int upCount = 0;
        for (var m : state.getMembers()) {
            if (m.status() == MemberStatus.up()) {
                upCount++;
            }
        }
        return upCount >= members;
    }

    private static void sleep() {
        try {
            TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a bare cluster formed", e);
        }
    }

    @Override
    public void close() {
        systems.forEach(ActorSystem::terminate);
        for (ActorSystem s : systems) {
            try {
                s.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a baseline system that does not stop in time is left to the JVM's exit
            }
        }
        systems.clear();
    }
}
