package org.memtypelab.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.protocol.NodeRole;

/** The one time factor: parsed in range only, applied to durations and to the cluster's failure-detection bounds. */
class TimeFactorTest {

    @AfterEach
    void unset() {
        System.clearProperty(TimeFactor.PROPERTY);
    }

    @Test
    void unsetMeansOne() {
        assertThat(TimeFactor.current()).isEqualTo(1.0);
        assertThat(TimeFactor.problem()).isEmpty();
        assertThat(TimeFactor.scale(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aFactorScalesDurationsAndMillis() {
        System.setProperty(TimeFactor.PROPERTY, "2.5");
        assertThat(TimeFactor.current()).isEqualTo(2.5);
        assertThat(TimeFactor.scale(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(5));
        assertThat(TimeFactor.scaleMillis(2500)).isEqualTo(6250);
    }

    @ParameterizedTest(name = "time factor ''{0}'' is refused in plain words")
    @ValueSource(strings = {"0.5", "0", "-1", "abc", "1000", "NaN"})
    void outOfRangeOrNotANumberIsAProblem(String raw) {
        System.setProperty(TimeFactor.PROPERTY, raw);
        assertThat(TimeFactor.problem())
                .hasValueSatisfying(p -> assertThat(p).contains(raw, "from 1 to 100", TimeFactor.ENV));
        assertThat(TimeFactor.current()).isEqualTo(1.0);
    }

    @Test
    void theClustersFailureDetectionBoundsScaleWithTheFactor() {
        Duration pause = NodeConfig.forRole(NodeRole.KVM)
                .toConfig()
                .getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause");
        Duration stable = NodeConfig.forRole(NodeRole.KVM)
                .toConfig()
                .getDuration("pekko.cluster.split-brain-resolver.stable-after");
        System.setProperty(TimeFactor.PROPERTY, "3");

        assertThat(NodeConfig.forRole(NodeRole.KVM)
                        .toConfig()
                        .getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"))
                .isEqualTo(pause.multipliedBy(3));
        assertThat(NodeConfig.forRole(NodeRole.KVM)
                        .toConfig()
                        .getDuration("pekko.cluster.split-brain-resolver.stable-after"))
                .isEqualTo(stable.multipliedBy(3));
    }
}
