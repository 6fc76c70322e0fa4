package org.memtypelab.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeRoleTest {

    @Test
    void labelsAreTheNodeNamesOfScenariosMd() {
        assertThat(Arrays.stream(NodeRole.values()).map(NodeRole::label))
                .containsExactly("kvm-node", "qemu-node", "gpu-process-node", "migration-node", "monitor", "conductor");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"kvm-node, KVM", "QEMU-NODE, QEMU", " gpu-process-node , GPU_PROCESS", "monitor, MONITOR"})
    void parseAcceptsNodeNamesCaseInsensitively(String name, NodeRole role) {
        assertThat(NodeRole.parse(name)).isEqualTo(role);
    }

    @Test
    void parseRejectsEnumNamesAndListsTheAllowedNodes() {
        assertThatThrownBy(() -> NodeRole.parse("GPU_PROCESS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'GPU_PROCESS'")
                .hasMessageContaining("kvm-node, qemu-node, gpu-process-node, migration-node, monitor, conductor");
        assertThatThrownBy(() -> NodeRole.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown node 'null'; expected one of: " + NodeRole.allowed());
    }
}
