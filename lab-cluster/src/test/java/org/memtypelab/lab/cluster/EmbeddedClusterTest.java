package org.memtypelab.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.protocol.NodeRole;

/** All six nodes in one JVM, every message forced through its serializer. */
class EmbeddedClusterTest {

    private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static EmbeddedCluster cluster;

    @BeforeAll
    static void formCluster() {
        cluster = EmbeddedCluster.start(
                List.of(NodeRole.values()),
                role -> role == NodeRole.QEMU ? Echo.guardian() : Behaviors.empty(),
                ConfigFactory.parseString("pekko.actor.serialize-messages = on"));
        cluster.awaitUp(FORMATION_TIMEOUT);
        System.out.printf(
                "EmbeddedCluster: 6 systems Up after %d ms%n",
                cluster.formationTime().toMillis());
    }

    @AfterAll
    static void shutdown() {
        long start = System.nanoTime();
        cluster.close();
        System.out.printf(
                "EmbeddedCluster: closed in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Test
    void everySystemSeesAllSixRolesUp() {
        Set<String> labels =
                EnumSet.allOf(NodeRole.class).stream().map(NodeRole::label).collect(Collectors.toSet());
        for (NodeRole observer : NodeRole.values()) {
            List<Member> members = new ArrayList<>();
            Cluster.get(cluster.system(observer)).state().getMembers().forEach(members::add);

            assertThat(members).as("members seen by %s", observer).hasSize(6);
            assertThat(members).allSatisfy(m -> assertThat(m.status()).isEqualTo(MemberStatus.up()));
            assertThat(members.stream().flatMap(m -> m.getRoles().stream()).filter(labels::contains))
                    .containsExactlyInAnyOrderElementsOf(labels);
            assertThat(Cluster.get(cluster.system(observer)).selfMember().getRoles())
                    .contains(observer.label());
        }
        assertThat(cluster.roles()).containsExactly(NodeRole.values());
        assertThat(cluster.incarnation(NodeRole.KVM)).isEqualTo(1);
    }

    @Test
    void receptionistFindsAServiceOnAnotherNodeAndItsReplyToSurvivesCbor() {
        ActorSystem<Void> kvm = cluster.system(NodeRole.KVM);
        TestProbe<Receptionist.Listing> listings = TestProbe.create(kvm);
        kvm.receptionist().tell(Receptionist.subscribe(Echo.ECHO_KEY, listings.ref()));
        // The Receptionist is eventually consistent: the first listings may still be empty
        List<Receptionist.Listing> seen = listings.fishForMessage(
                TIMEOUT,
                l -> l.getServiceInstances(Echo.ECHO_KEY).isEmpty()
                        ? FishingOutcomes.continueAndIgnore()
                        : FishingOutcomes.complete());
        ActorRef<Echo.Ping> echo = seen.get(seen.size() - 1)
                .getServiceInstances(Echo.ECHO_KEY)
                .iterator()
                .next();
        TestProbe<Echo.Pong> replies = TestProbe.create(kvm);

        echo.tell(new Echo.Ping("hello", replies.ref()));

        Echo.Pong pong = replies.expectMessageClass(Echo.Pong.class, TIMEOUT);
        assertThat(pong.text()).isEqualTo("hello");
        assertThat(pong.node()).isEqualTo(cluster.address(NodeRole.QEMU).toString());
        assertThat(echo.path().address()).isEqualTo(cluster.address(NodeRole.QEMU));
    }

    @Test
    void askFromOutsideTheActorsGetsTheRemoteReply() throws Exception {
        ActorSystem<Void> gpu = cluster.system(NodeRole.GPU_PROCESS);
        TestProbe<Receptionist.Listing> listings = TestProbe.create(gpu);
        ActorRef<Echo.Ping> echo = listings.awaitAssert(TIMEOUT, () -> {
            gpu.receptionist().tell(Receptionist.find(Echo.ECHO_KEY, listings.ref()));
            Set<ActorRef<Echo.Ping>> found =
                    listings.expectMessageClass(Receptionist.Listing.class).getServiceInstances(Echo.ECHO_KEY);
            assertThat(found).hasSize(1);
            return found.iterator().next();
        });

        Echo.Pong pong = AskPattern.<Echo.Ping, Echo.Pong>ask(
                        echo, replyTo -> new Echo.Ping("ask", replyTo), TIMEOUT, gpu.scheduler())
                .toCompletableFuture()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(pong.node()).isEqualTo(cluster.address(NodeRole.QEMU).toString());
    }

    @Test
    void pingWithReplyToVerifiesUnderCborSerialization() {
        ActorSystem<Void> monitor = cluster.system(NodeRole.MONITOR);
        TestProbe<Echo.Pong> replyTo = TestProbe.create(monitor);

        Echo.Ping back = new SerializationTestKit(monitor).verifySerialization(new Echo.Ping("x", replyTo.ref()), true);

        assertThat(back.replyTo()).isEqualTo(replyTo.ref());
    }
}
