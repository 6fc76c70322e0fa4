package org.memtypelab.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.protocol.NodeRole;

/** Crash and restart of one node in a four-node embedded cluster; every test leaves all four nodes Up. */
class EmbeddedClusterCrashTest {

    private static final List<NodeRole> ROLES =
            List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MONITOR);
    /* Measured ~4 s from kill to removal (FD ~1.5 s + SBR stable-after 2 s + gossip); generous for shared CI cores. */
    private static final Duration DETECTION_BOUND = Duration.ofSeconds(30);

    static EmbeddedCluster cluster;

    @BeforeAll
    static void formCluster() {
        cluster = EmbeddedCluster.start(ROLES, role -> Behaviors.empty()).awaitUp(Duration.ofSeconds(30));
    }

    @AfterAll
    static void shutdown() {
        cluster.close();
    }

    @Test
    void killedQemuIsDownedBySplitBrainResolverAndRemovedEverywhere() {
        TestProbe<ClusterEvent.MemberEvent> events = TestProbe.create(cluster.system(NodeRole.KVM));
        Cluster.get(cluster.system(NodeRole.KVM))
                .subscriptions()
                .tell(Subscribe.create(events.ref(), ClusterEvent.MemberEvent.class));
        long killed = System.nanoTime();

        cluster.kill(NodeRole.QEMU);

        assertThatThrownBy(() -> cluster.awaitUp(Duration.ZERO))
                .isInstanceOf(ClusterFormationException.class)
                .hasMessageContaining("not Up everywhere: qemu-node@");
        List<ClusterEvent.MemberEvent> seen = events.fishForMessage(
                DETECTION_BOUND,
                e -> e instanceof ClusterEvent.MemberRemoved r && r.member().hasRole("qemu-node")
                        ? FishingOutcomes.complete()
                        : FishingOutcomes.continueAndIgnore());
        var removed = (ClusterEvent.MemberRemoved) seen.get(seen.size() - 1);
        assertThat(removed.previousStatus()).as("removed after being downed").isEqualTo(MemberStatus.down());
        events.awaitAssert(DETECTION_BOUND, () -> {
            for (NodeRole survivor : cluster.roles()) {
                assertThat(members(survivor)).noneMatch(m -> m.hasRole("qemu-node"));
            }
            return null;
        });
        System.out.printf(
                "EmbeddedCluster: killed qemu-node removed everywhere after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));

        cluster.restart(NodeRole.QEMU);
        cluster.awaitUp(DETECTION_BOUND);
    }

    @Test
    void restartedNodeRejoinsUpAsANewIncarnation() {
        int before = cluster.incarnation(NodeRole.GPU_PROCESS);
        long oldUid = Cluster.get(cluster.system(NodeRole.GPU_PROCESS))
                .selfMember()
                .uniqueAddress()
                .longUid();
        cluster.kill(NodeRole.GPU_PROCESS);
        long restarted = System.nanoTime();

        cluster.restart(NodeRole.GPU_PROCESS);
        cluster.awaitUp(DETECTION_BOUND);

        System.out.printf(
                "EmbeddedCluster: restarted gpu-process-node Up everywhere after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
        assertThat(cluster.incarnation(NodeRole.GPU_PROCESS)).isEqualTo(before + 1);
        long newUid = Cluster.get(cluster.system(NodeRole.GPU_PROCESS))
                .selfMember()
                .uniqueAddress()
                .longUid();
        assertThat(newUid).isNotEqualTo(oldUid);
        for (NodeRole observer : cluster.roles()) {
            assertThat(members(observer))
                    .filteredOn(m -> m.hasRole("gpu-process-node"))
                    .singleElement()
                    .satisfies(m -> {
                        assertThat(m.uniqueAddress().longUid()).isEqualTo(newUid);
                        assertThat(m.status()).isEqualTo(MemberStatus.up());
                    });
        }
    }

    @Test
    void restartingALiveNodeIsRefused() {
        assertThatThrownBy(() -> cluster.restart(NodeRole.KVM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kvm-node is still running");
    }

    private static List<Member> members(NodeRole observer) {
        List<Member> members = new ArrayList<>();
        Cluster.get(cluster.system(observer)).state().getMembers().forEach(members::add);
        return members;
    }
}
