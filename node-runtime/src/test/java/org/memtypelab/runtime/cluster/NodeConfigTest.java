package org.memtypelab.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memtypelab.protocol.NodeRole;

class NodeConfigTest {

    @Test
    void sharedSettingsComeFromMemtypeLabConf() {
        Config c = NodeConfig.forRole(NodeRole.KVM).toConfig();

        assertThat(c.getString("pekko.actor.provider")).isEqualTo("cluster");
        assertThat(c.getBoolean("pekko.actor.allow-java-serialization")).isFalse();
        assertThat(c.getString("pekko.actor.serialization-bindings.\"org.memtypelab.protocol.CborSerializable\""))
                .isEqualTo("jackson-cbor");
        assertThat(c.getString("pekko.remote.artery.transport")).isEqualTo("tcp");
        assertThat(c.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
        assertThat(c.getString("pekko.cluster.downing-provider-class"))
                .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
        assertThat(c.getString("pekko.cluster.split-brain-resolver.active-strategy"))
                .isEqualTo("keep-majority");
        assertThat(c.getDuration("pekko.cluster.split-brain-resolver.stable-after"))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(c.getDuration("pekko.cluster.gossip-interval")).isEqualTo(Duration.ofMillis(200));
        assertThat(c.getBoolean("pekko.coordinated-shutdown.exit-jvm")).isFalse();
        assertThat(c.getString("pekko.loglevel")).isEqualTo("WARNING");
        assertThat(NodeConfig.systemName()).isEqualTo("memtype-lab");
    }

    @Test
    void roleBecomesTheOnlyClusterRoleAndPortDefaultsToAnyFreePort() {
        Config c = NodeConfig.forRole(NodeRole.GPU_PROCESS).toConfig();

        assertThat(c.getStringList("pekko.cluster.roles")).containsExactly("gpu-process-node");
        assertThat(c.getInt("pekko.remote.artery.canonical.port")).isZero();
        assertThat(c.getStringList("pekko.cluster.seed-nodes")).isEmpty();
    }

    @Test
    void seedsAndPortAndHostAreSetPerNode() {
        Config c = NodeConfig.forRole(NodeRole.QEMU)
                .withPort(25521)
                .withHostname("10.0.0.7")
                .withSeedNodes(List.of("10.0.0.5:25520", "pekko://memtype-lab@10.0.0.6:25520"))
                .toConfig();

        assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25521);
        assertThat(c.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("10.0.0.7");
        assertThat(c.getStringList("pekko.cluster.seed-nodes"))
                .containsExactly("pekko://memtype-lab@10.0.0.5:25520", "pekko://memtype-lab@10.0.0.6:25520");
    }

    @Test
    void overridesWinOverEverything() {
        Config c = NodeConfig.forRole(NodeRole.MONITOR)
                .withPort(25520)
                .withOverrides(
                        ConfigFactory.parseString("pekko.remote.artery.canonical.port = 4711\npekko.loglevel = DEBUG"))
                .withOverrides(ConfigFactory.parseString("pekko.loglevel = INFO"))
                .toConfig();

        assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(4711);
        assertThat(c.getString("pekko.loglevel")).isEqualTo("INFO");
    }

    @Test
    void badSeedsAndPortsAreRejectedWithTheValue() {
        assertThatThrownBy(() -> NodeConfig.seedAddress("localhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> NodeConfig.seedAddress("localhost:http"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seed must be host:port, was 'localhost:http'")
                .hasCauseInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> NodeConfig.seedAddress("localhost:0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seed port must be 1..65535, was 'localhost:0'");
        assertThatThrownBy(() -> NodeConfig.forRole(NodeRole.KVM).withPort(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be 0..65535, was 70000");
    }
}
