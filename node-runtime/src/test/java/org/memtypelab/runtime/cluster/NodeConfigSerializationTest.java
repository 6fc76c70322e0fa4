package org.memtypelab.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.protocol.CborSerializable;
import org.memtypelab.protocol.NodeRole;

class NodeConfigSerializationTest {

    /** A wire message of the shape every protocol uses: a record with a reply-to reference. */
    record Probe(String vmId, int vcpus, ActorRef<String> replyTo) implements CborSerializable {}

    /** Not marked: must never be serialized. */
    record Unmarked(String vmId) {}

    static ActorTestKit kit;

    @BeforeAll
    static void startSystem() {
        kit = ActorTestKit.create(
                NodeConfig.systemName(), NodeConfig.forRole(NodeRole.KVM).toConfig());
    }

    @AfterAll
    static void stopSystem() {
        kit.shutdownTestKit();
    }

    @Test
    void markedRecordsAreBoundToJacksonCbor() {
        var serializer = SerializationExtension.get(kit.system().classicSystem())
                .findSerializerFor(
                        new Probe("vm-1", 4, kit.<String>createTestProbe().ref()));

        assertThat(serializer.getClass().getSimpleName()).isEqualTo("JacksonCborSerializer");
    }

    @Test
    void recordWithReplyToRoundTrips() {
        TestProbe<String> replyTo = kit.createTestProbe();

        Probe back =
                new SerializationTestKit(kit.system()).verifySerialization(new Probe("vm-1", 4, replyTo.ref()), true);

        assertThat(back.replyTo()).isEqualTo(replyTo.ref());
    }

    @Test
    void unmarkedClassesAreNotSerializable() {
        assertThatThrownBy(
                        () -> new SerializationTestKit(kit.system()).verifySerialization(new Unmarked("vm-1"), false))
                .isInstanceOf(Exception.class);
    }
}
