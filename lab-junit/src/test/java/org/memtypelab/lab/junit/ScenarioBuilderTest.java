package org.memtypelab.lab.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.memtypelab.lab.junit.ScenarioBuilder.scenario;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;

/** The builder writes what a user would write in a file, and the loader judges it the same way (no cluster here). */
class ScenarioBuilderTest {

    /** The bundled thread/option-0-status-quo, written with the builder line for line. */
    static ScenarioBuilder statusQuo() {
        return scenario("thread/option-0-status-quo")
                .seed(1)
                .cpu("intel")
                .selfSnoop(false)
                .kvm("5.6")
                .qemu("version", "9.2")
                .qemu("virgl", true)
                .qemu("gpu", "in-process")
                .qemu("blob-access", "kvm-only")
                .driver("amdgpu")
                .migrationPolicy("status-quo")
                .allocate("b0", "2MiB", "gtt-uswc")
                .export("b0")
                .mapBlob("b0", 0x100000000L)
                .guestMap("b0")
                .guestWrite("b0", 0, 0xab)
                .gpuRead("b0", 0)
                .migrate()
                .expectVerdict("hazard")
                .expectHazard("b0", "guest", "renderer")
                .expectHazard("b0", "guest", "gpu")
                .expectMigration("blocked");
    }

    @Test
    void builtScenarioIsTheBundledFileItCopies() {
        Scenario built = statusQuo().build();
        Scenario file =
                ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve("thread/option-0-status-quo")).scenario();

        assertThat(built.name()).isEqualTo(file.name());
        assertThat(built.seed()).isEqualTo(file.seed());
        assertThat(built.platform()).isEqualTo(file.platform());
        assertThat(built.qemu()).isEqualTo(file.qemu());
        assertThat(built.gpuProcess()).isEqualTo(file.gpuProcess());
        assertThat(built.migration()).isEqualTo(file.migration());
        assertThat(built.steps()).isEqualTo(file.steps());
        // the file also names the kinds; the verdict, the pairs and the migration are the same
        assertThat(built.expect().verdict()).isEqualTo(file.expect().verdict());
        assertThat(built.expect().migration()).isEqualTo(file.expect().migration());
        assertThat(built.expect().hazards())
                .extracting(h -> h.buffer() + " " + h.between())
                .isEqualTo(file.expect().hazards().stream()
                        .map(h -> h.buffer() + " " + h.between())
                        .toList());
    }

    @Test
    void versionsStayTextNotNumbers() {
        // a plain 6.10 in YAML is the float 6.1: the builder quotes strings, so 6.10 stays 6.10
        Scenario s = scenario("mine/kvm-6-10")
                .kvm("6.10")
                .allocate("b0", "2MiB", "gtt-uswc")
                .build();

        assertThat(s.platform().kvm().toString()).isEqualTo("6.10");
        assertThat(statusQuo().yaml()).contains("  kvm: \"5.6\"\n", "  self-snoop: false\n", "gpa: 0x100000000");
    }

    @Test
    void aWrongValueIsReportedAtItsLineAndColumn() {
        ScenarioBuilder bad = scenario("mine/bad-kvm").cpu("intel").kvm("6.99x").allocate("b0", "2MiB", "gtt-uswc");

        assertThat(bad.yaml().lines().toList().get(3)).isEqualTo("  kvm: \"6.99x\"");
        assertThatThrownBy(bad::build)
                .isInstanceOf(InvalidScenarioException.class)
                .hasMessageStartingWith("ScenarioBuilder(mine/bad-kvm):4:8: platform.kvm: ")
                .hasMessageContaining("6.99x")
                .hasMessageContaining("  4 |   kvm: \"6.99x\"")
                .satisfies(
                        e -> assertThat(((InvalidScenarioException) e).error().line())
                                .isEqualTo(4));
    }

    @Test
    void aStepOnABufferNoStepAllocatedIsReportedAtThatStep() {
        ScenarioBuilder bad =
                scenario("mine/no-buffer").allocate("b0", "2MiB", "gtt-uswc").export("b1");

        assertThatThrownBy(bad::build)
                .isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("ScenarioBuilder(mine/no-buffer):4:")
                .hasMessageContaining("'b1' is not allocated")
                .hasMessageContaining("  - export: {buffer: \"b1\"}");
    }

    @Test
    void anUnknownStepFieldNamesTheAllowedOnes() {
        ScenarioBuilder bad =
                scenario("mine/typo").allocate("b0", "2MiB", "gtt-uswc").step("export", "bufer", "b0");

        assertThatThrownBy(bad::build)
                .isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining(":4:")
                .hasMessageContaining("bufer")
                .hasMessageContaining("buffer");
    }

    @Test
    void faultsAndErrnoExpectationsAreWrittenAsInAFile() {
        Scenario s = statusQuo()
                .fault("guest-write", "drop", Map.of("from", "qemu-node", "to", "monitor", "count", 1))
                .setMemoryRegion(3, 0, "1GiB")
                .expectErrno("set-memory-region#1", "0")
                .build();

        assertThat(s.faults()).hasSize(1);
        assertThat(s.expect().errno()).containsEntry("set-memory-region#1", "0");
    }

    @Test
    void fieldsComeInPairs() {
        assertThatThrownBy(() -> scenario("mine/odd").step("export", "buffer"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key, value pairs");
    }
}
