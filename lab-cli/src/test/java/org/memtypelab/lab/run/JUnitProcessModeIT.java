package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.memtypelab.lab.junit.LabResult;
import org.memtypelab.lab.junit.LabRunner;
import org.memtypelab.lab.junit.MemtypeLab;
import org.memtypelab.lab.junit.Nodes;

/**
 * {@code @MemtypeLab(nodes = PROCESSES)}: the JUnit 5 API with one JVM per node, which needs this module (the node
 * JVMs run its {@code node} command) on the test classpath, as here.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
@MemtypeLab(nodes = Nodes.PROCESSES)
class JUnitProcessModeIT {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aProcessClusterGivesTheEmbeddedVerdict(LabRunner lab) {
        LabResult result = lab.run("thread/option-0-status-quo");

        assertThat(lab.cluster().mode()).isEqualTo("processes");
        assertThat(result)
                .hasVerdict("hazard")
                .hasHazard("b0", "guest", "renderer", "memtype-alias")
                .hasHazard("b0", "guest", "gpu", "non-snooped-dma")
                .hasMigration("blocked")
                .meetsItsExpectations();
        assertThat(result.document().nodes()).isEqualTo("processes");
        // each node JVM's stderr, next to the class's runs
        assertThat(lab.runs().resolve("nodes").resolve("kvm-node.log")).exists();
    }
}
