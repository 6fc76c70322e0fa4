package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.gpu.Driver;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioLoader;
import org.memtypelab.lab.scenario.YamlTree;
import org.memtypelab.protocol.scenario.Expect;
import org.memtypelab.protocol.scenario.Scenario;
import org.memtypelab.protocol.scenario.Step;

class CellsTest {

    @Test
    void matrixIsTheCartesianProductWithTheLastKeyVaryingFastest() {
        Campaign c = Specs.ready("""
                name: grid
                base: kernel/6-11-self-snoop
                matrix:
                  platform.kvm: ["6.10", "6.11", "6.12"]
                  platform.self-snoop: [true, false]
                """);

        assertThat(c.cells())
                .extracting(Cell::id)
                .containsExactly(
                        "1-6.10-true", "2-6.10-false", "3-6.11-true", "4-6.11-false", "5-6.12-true", "6-6.12-false");
        assertThat(c.cells()).extracting(Cell::index).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(c.cells().get(3).values())
                .containsExactly(Map.entry("platform.kvm", "6.11"), Map.entry("platform.self-snoop", false));
        Scenario s = ((Cell.Playable) c.cells().get(3)).scenario();
        assertThat(s.platform().kvm().toString()).isEqualTo("6.11");
        assertThat(s.platform().selfSnoop()).isFalse();
    }

    @Test
    void cellScenarioIsTheBaseRenamedWithoutItsFaultsAndExpect() {
        Campaign c = Specs.ready("""
                name: one
                base: examples/amdgpu-uswc-status-quo
                """);

        Scenario s = ((Cell.Playable) c.cells().get(0)).scenario();
        Scenario base =
                ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve("examples/amdgpu-uswc-status-quo")).scenario();
        assertThat(s.name()).isEqualTo("one/cell-1");
        assertThat(s.description()).isEqualTo("campaign one, cell 1 of amdgpu-uswc-status-quo");
        assertThat(s.faults()).isEmpty();
        assertThat(s.expect()).isEqualTo(Expect.NONE);
        assertThat(s.steps()).isEqualTo(base.steps());
        assertThat(s.platform()).isEqualTo(base.platform());
        assertThat(s.seed()).isEqualTo(base.seed());
    }

    @Test
    void linkedKeysAreSetTogetherAndMissingMappingsAreCreated() {
        // kernel/6-11-self-snoop has no qemu or migration section
        Campaign c = Specs.ready("""
                name: linked
                base: kernel/6-11-self-snoop
                matrix:
                  "gpu-process.driver, steps[1].allocate.placement": [[amdgpu, gtt-cached], [i915, shmem-llc]]
                  qemu.blob-access: [qemu-reads]
                  migration.policy: [ram-copy]
                """);

        assertThat(c.playable()).hasSize(2);
        Scenario i915 = c.playable().get(1).scenario();
        assertThat(i915.gpuProcess().driver()).isEqualTo(Driver.I915);
        assertThat(((Step.Allocate) i915.steps().get(0)).placement()).contains(Placement.SHMEM_LLC);
        assertThat(i915.qemu().blobAccess()).isEqualTo(QemuConfig.BlobAccess.QEMU_READS);
        assertThat(i915.migration().policy()).isEqualTo(MigrationPolicy.RAM_COPY);
        assertThat(c.playable().get(1).values())
                .containsEntry("gpu-process.driver", "i915")
                .containsEntry("steps[1].allocate.placement", "shmem-llc");
    }

    @Test
    void combinationsTheLoaderRejectsAreSkippedWithItsReason() {
        Campaign c = Specs.ready("""
                name: quirk
                base: kernel/6-11-self-snoop
                matrix:
                  platform.kvm: ["6.10", "6.16"]
                  platform.ignore-guest-pat-quirk: [on, off]
                """);

        assertThat(c.cells())
                .extracting(cell -> cell.getClass().getSimpleName())
                .containsExactly("Playable", "Skipped", "Playable", "Playable");
        Cell.Skipped skipped = (Cell.Skipped) c.cells().get(1);
        assertThat(skipped.values())
                .containsEntry("platform.kvm", "6.10")
                .containsEntry("platform.ignore-guest-pat-quirk", false);
        assertThat(skipped.reason())
                .startsWith("platform.ignore-guest-pat-quirk: ")
                .contains("allowed here");
    }

    @Test
    void mapAndListValuesReplaceWholeSubtrees() {
        Campaign c = Specs.ready("""
                name: blob
                base: thread/option-0-status-quo
                matrix:
                  "platform.kvm, steps[3].map-blob":
                    - ["6.10", {buffer: b0, gpa: 0x100000000}]
                    - ["5.6+kvm-mem-dma", {buffer: b0, gpa: 0x100000000, flags: [kvm-mem-dma]}]
                """);

        assertThat(c.playable()).hasSize(2);
        assertThat(((Step.MapBlob) c.playable().get(1).scenario().steps().get(2)).flags())
                .containsExactly("kvm-mem-dma");
        assertThat(c.playable().get(1).values().get("steps[3].map-blob"))
                .isEqualTo(Map.of("buffer", "b0", "gpa", 0x100000000L, "flags", List.of("kvm-mem-dma")));
    }

    static List<String> bundledScenarios() {
        return ScenarioCatalogue.bundled().names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundledScenarios")
    void writtenTreeLoadsToTheSameScenario(String name) {
        String resource = ScenarioCatalogue.ROOT + name + ".yaml";
        String text = resourceText(resource);
        Scenario original = ((LoadResult.Loaded) ScenarioLoader.load(resource, text)).scenario();
        YamlTree.MapNode tree = (YamlTree.MapNode) YamlTree.parse(text).orElseThrow();

        String written = YamlWriter.render(tree, List.of("rewritten")).text();
        LoadResult again = ScenarioLoader.load(resource, written);

        assertThat(again).as(written).isInstanceOf(LoadResult.Loaded.class);
        assertThat(((LoadResult.Loaded) again).scenario()).isEqualTo(original);
    }

    private static String resourceText(String resource) {
        try (InputStream in = CellsTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
