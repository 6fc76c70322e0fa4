package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.gpu.Driver;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.lab.scenario.Expect;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.ScenarioLoader;
import org.memtypelab.lab.scenario.Step;
import org.memtypelab.lab.scenario.Values;
import org.memtypelab.lab.scenario.YamlTree;

class CellsTest {

    @Test
    void matrixIsTheCartesianProductWithTheLastKeyVaryingFastest() {
        Campaign c = Specs.ready("""
                name: grid
                base: kernel/6-16-quirk-on
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
        // kernel/6-16-quirk-on has no qemu or migration section
        Campaign c = Specs.ready("""
                name: linked
                base: kernel/6-16-quirk-on
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
                base: kernel/6-16-quirk-on
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

    @Test
    void aProblemInTheBaseIsNotTheMatrixValuesAtTheSameLineAndColumn() {
        // i915 is written at 7:51 of the spec; the base's gtt-uswc placement, which i915 does not offer, at 7:51 of
        // kernel/6-16-quirk-on
        String padding = "#\n".repeat(3);
        CampaignLoad r = Specs.load("name: t\nbase: kernel/6-16-quirk-on\n" + padding + "matrix:\n"
                + "  gpu-process.driver:" + " ".repeat(28) + "[i915]\n");

        ScenarioError e = ((CampaignLoad.Invalid) r).error();
        assertThat(e.line() + ":" + e.column()).as(e.toString()).isEqualTo("7:3");
        assertThat(e.message()).startsWith("matrix: no cell makes a valid scenario with kernel/6-16-quirk-on");
    }

    @Test
    void cellYamlIsTheCellsScenario() {
        Campaign c = Specs.ready("""
                name: text
                base: thread/option-0-status-quo
                matrix:
                  "platform.kvm, steps[3].map-blob":
                    - [6.10, {buffer: b0, gpa: 0x100000000}]
                """);

        Cell.Playable cell = c.playable().get(0);
        assertThat(cell.yaml()).contains("name: text/cell-1", "kvm: 6.10", "gpa: 4294967296");
        LoadResult again = ScenarioLoader.load(cell.scenario().sourceFile(), cell.yaml());
        assertThat(again).as(cell.yaml()).isEqualTo(new LoadResult.Loaded(cell.scenario()));
        assertThat(cell.scenario().platform().kvm().toString()).isEqualTo("6.10");
    }

    @Test
    void everyScalarReadsBackAsTheSameStringOrTheSameValue() {
        YamlTree.MapNode tree = (YamlTree.MapNode) YamlTree.parse("""
                        strings: ["off", "6.10", "0xab", "yes", "a: b", "#x", "multi\\nline", "", "tab\\there", "ünï", "[x]"]
                        more: ["~", "null", "1_000", "+5", "1e3", ".inf", "0b101", "017", "- x", "x #y", "*a", " lead"]
                        plain: [off, 6.10, 0xab, yes, 12, -3, 1.5, ~, true, gtt-uswc, 2MiB, 017]
                        as-text: [1e3, .inf, 0b101]
                        "odd key: #1": {on: 1, "": 2}
                        nested:
                          deeper: {list: [[1, "2"], {k: v}], empty: {}, none: []}
                        """).orElseThrow();

        String written = YamlTree.write(tree);
        YamlTree.MapNode again = (YamlTree.MapNode) YamlTree.parse(written).orElseThrow();

        assertThat(shape(TreeEdit.without(again, "as-text")))
                .as(written)
                .isEqualTo(shape(TreeEdit.without(tree, "as-text")));
        // a float a decimal cannot spell as written, an integer the loader cannot read: both read only as text
        assertThat(((YamlTree.SeqNode) again.get("as-text").orElseThrow().value()).items())
                .as(written)
                .extracting(n -> ((YamlTree.Scalar) n).text())
                .containsExactly("1e3", ".inf", "0b101");
        assertThat(YamlTree.flow(tree.get("nested").orElseThrow().value()))
                .isEqualTo("{deeper: {list: [[1, \"2\"], {k: v}], empty: {}, none: []}}");
    }

    /** The tree without locations: a string or a float as type and text, an integer or a boolean as its value. */
    private static Object shape(YamlTree.Node n) {
        if (n instanceof YamlTree.Scalar s) {
            return switch (s.type()) {
                case INTEGER -> Values.parseInteger(s.text()).orElseThrow();
                case BOOLEAN -> Values.bool(s, "");
                case NULL -> "NULL";
                default -> s.type() + ":" + s.text();
            };
        }
        List<Object> out = new ArrayList<>();
        if (n instanceof YamlTree.MapNode m) {
            m.entries().forEach(e -> out.add(List.of(e.key(), shape(e.value()))));
        } else {
            ((YamlTree.SeqNode) n).items().forEach(i -> out.add(shape(i)));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundledScenarios")
    void writtenTreeLoadsToTheSameScenario(String name) {
        String resource = ScenarioCatalogue.ROOT + name + ".yaml";
        YamlTree.Node tree = YamlTree.parse(resourceText(resource)).orElseThrow();
        Scenario original = ((LoadResult.Loaded) ScenarioLoader.load(resource, tree)).scenario();

        String written = YamlTree.write(tree);
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
