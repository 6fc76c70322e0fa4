package org.memtypelab.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.io.NotSerializableException;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/**
 * The nodes' own configuration carries protocol messages from node to node: {@code memtype-lab.conf} binds them to
 * Jackson CBOR, and a reply-to written by one node works on another. Every message type's round trip is the protocol
 * module's {@code ProtocolSerializationTest}.
 */
class NodeConfigSerializationTest {

    /** Not marked: a node must refuse to put it on the wire. */
    record Unmarked(String vmId) {}

    static ActorTestKit kvm;
    static ActorTestKit qemu;

    @BeforeAll
    static void startNodes() {
        kvm = ActorTestKit.create(
                NodeConfig.systemName(), NodeConfig.forRole(NodeRole.KVM).toConfig());
        qemu = ActorTestKit.create(
                NodeConfig.systemName(), NodeConfig.forRole(NodeRole.QEMU).toConfig());
    }

    @AfterAll
    static void stopNodes() {
        qemu.shutdownTestKit();
        kvm.shutdownTestKit();
    }

    @ParameterizedTest
    @EnumSource(NodeRole.class)
    void everyNodeBindsProtocolMessagesToJacksonCborAndRefusesJavaSerialization(NodeRole role) {
        Config config = NodeConfig.forRole(role).toConfig();

        assertThat(config.getString("pekko.actor.serialization-bindings.\"org.memtypelab.protocol.CborSerializable\""))
                .isEqualTo("jackson-cbor");
        assertThat(config.getBoolean("pekko.actor.allow-java-serialization")).isFalse();
    }

    @Test
    void aReplyToSerializedOnOneNodeReachesItsProbeFromAnother() {
        TestProbe<StepDone> replyTo = kvm.createTestProbe(StepDone.class);
        KvmProtocol.NoncoherentDma sent =
                new KvmProtocol.NoncoherentDma(new Stamp(3, 17, "conductor", "run-1"), true, replyTo.ref());

        Serialization onKvm = SerializationExtension.get(kvm.system().classicSystem());
        Serializer serializer = onKvm.findSerializerFor(sent);
        byte[] bytes = onKvm.serialize(sent).get();
        KvmProtocol.NoncoherentDma received = (KvmProtocol.NoncoherentDma)
                SerializationExtension.get(qemu.system().classicSystem())
                        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, sent))
                        .get();

        assertThat(serializer).isInstanceOf(JacksonCborSerializer.class);
        assertThat(received.stamp()).isEqualTo(sent.stamp());
        assertThat(received.attach()).isTrue();
        assertThat(received.replyTo().path().address()).isEqualTo(kvm.system().address());
        StepDone done = StepDone.of(sent.stamp(), "qemu-node", true, "non-coherent DMA attached", 18);
        received.replyTo().tell(done);
        replyTo.expectMessage(Duration.ofSeconds(10), done);
    }

    @Test
    void unmarkedClassesAreNotSerializable() {
        assertThatThrownBy(
                        () -> new SerializationTestKit(kvm.system()).verifySerialization(new Unmarked("vm-1"), false))
                .isInstanceOf(NotSerializableException.class)
                .hasMessageContaining(
                        "No configured serialization-bindings for class [" + Unmarked.class.getName() + "]");
    }
}
