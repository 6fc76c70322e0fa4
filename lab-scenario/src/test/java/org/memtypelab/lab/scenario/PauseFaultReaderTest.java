package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.memtypelab.protocol.NodeRole;

class PauseFaultReaderTest {

    static final String BASE =
            ScenarioCatalogue.bundled().text("faults/kvm-pause").orElseThrow();

    @Test
    void aPauseNamesItsNodeAndLength() {
        Scenario s = ((LoadResult.Loaded) ScenarioLoader.load("p.yaml", BASE)).scenario();

        assertThat(s.faults()).hasSize(1);
        assertThat(s.faults().get(0).action()).isEqualTo(new Fault.Pause(NodeRole.KVM, 2500));
    }

    @Test
    void aPauseOfTheConductorOrOfNoTimeIsRefusedWhereItIsWritten() {
        LoadResult conductor = ScenarioLoader.load("p.yaml", BASE.replace("node: kvm-node", "node: conductor"));
        LoadResult zero = ScenarioLoader.load("p.yaml", BASE.replace("ms: 2500", "ms: 0"));

        assertThat(conductor).isInstanceOf(ScenarioError.class);
        assertThat(((ScenarioError) conductor).line()).isEqualTo(14);
        assertThat(((ScenarioError) conductor).message()).contains("conductor").contains("kvm-node");
        assertThat(zero).isInstanceOf(ScenarioError.class);
        assertThat(((ScenarioError) zero).message()).contains("ms");
    }
}
