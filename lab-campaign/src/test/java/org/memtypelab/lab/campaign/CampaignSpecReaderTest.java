package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.lab.scenario.ScenarioError;

class CampaignSpecReaderTest {

    private static final String GOOD = """
            name: quirk-vs-drivers
            description: the SCENARIOS.md example, extended
            base: thread/option-2-honor-guest-pat
            seed: 7
            matrix:
              platform.kvm: ["6.10", "6.16"]
              "gpu-process.driver, steps[1].allocate.placement": [[amdgpu, gtt-uswc], [i915, shmem-wc]]
            faults: {random: {messages: 0.05, kills: 1, partitions: 2}, runs-per-cell: 20}
            """;

    @Test
    void goodSpecIsReadWithEveryField() {
        CampaignSpec spec = Specs.ready(GOOD).spec();

        assertThat(spec.name()).isEqualTo("quirk-vs-drivers");
        assertThat(spec.description()).isEqualTo("the SCENARIOS.md example, extended");
        assertThat(spec.base().ref()).isEqualTo("thread/option-2-honor-guest-pat");
        assertThat(spec.seed()).isEqualTo(7);
        assertThat(spec.faults()).isEqualTo(new CampaignSpec.Faults(0.05, 1, 2, 20));
        assertThat(spec.matrix()).hasSize(2);
        CampaignSpec.Axis linked = spec.matrix().get(1);
        assertThat(linked.paths())
                .extracting(KeyPath::toString)
                .containsExactly("gpu-process.driver", "steps[1].allocate.placement");
        assertThat(linked.keyLoc().line()).isEqualTo(7);
        assertThat(linked.values()).hasSize(2);
    }

    @Test
    void theScenariosMdExampleLoads() {
        Campaign c = Specs.ready("""
                name: quirk-vs-drivers
                base: thread/option-2-honor-guest-pat     # a scenario to vary
                matrix:
                  platform.kvm: ["6.6", "6.10", "6.11", "6.12", "6.16"]
                  platform.self-snoop: [true, false]
                  gpu-process.driver: [amdgpu, i915]
                faults: {random: {messages: 0.05, kills: 1}, runs-per-cell: 20}
                """);

        assertThat(c.cells()).hasSize(20);
        // i915 does not offer the base's gtt-uswc placement: those cells are skipped, the amdgpu ones run
        assertThat(c.playable()).hasSize(10);
        assertThat(c.playable()).allSatisfy(p -> assertThat(p.values()).containsEntry("gpu-process.driver", "amdgpu"));
    }

    @Test
    void defaultsAreSeedOneNoFaultsOneRunPerCellTenWithFaults() {
        CampaignSpec spec = Specs.ready("name: t\nbase: kernel/6-16-quirk-on\n").spec();

        assertThat(spec.seed()).isEqualTo(1);
        assertThat(spec.faults()).isEqualTo(CampaignSpec.Faults.NONE);
        assertThat(spec.matrix()).isEmpty();
        assertThat(Specs.ready("name: t\nbase: kernel/6-16-quirk-on\nfaults: {random: {kills: 1}}\n")
                        .spec()
                        .faults())
                .isEqualTo(new CampaignSpec.Faults(0, 1, 0, 10));
    }

    @Test
    void baseIsFoundNextToTheSpecFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mine.yaml"), """
                name: mine
                steps:
                  - allocate: {buffer: b0, size: 4KiB, placement: gtt-uswc}
                """);
        CampaignLoad r = CampaignLoader.load(
                CampaignCatalogue.bundled(),
                new CampaignCatalogue.Source("spec.yaml", "name: t\nbase: mine.yaml\n", Optional.of(dir)));

        assertThat(r).isInstanceOf(CampaignLoad.Ready.class);
        assertThat(((CampaignLoad.Ready) r).campaign().base()).endsWith("mine.yaml");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badInputs")
    void badSpecIsReportedAtItsKeyOrValueWithWhatIsAllowed(String what, String at, String yaml, String fragment) {
        CampaignLoad r = Specs.load(yaml);

        assertThat(r).as("%s", r).isInstanceOf(CampaignLoad.Invalid.class);
        ScenarioError e = ((CampaignLoad.Invalid) r).error();
        assertThat(e.line() + ":" + e.column()).as(e.toString()).isEqualTo(at);
        assertThat(e.message()).contains(fragment);
        assertThat(e.toString()).startsWith("spec.yaml:" + at + ": ");
    }

    private static final String HEAD = "name: t\nbase: kernel/6-16-quirk-on\n";

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad("empty spec", "1:1", "", "empty campaign spec; required keys: name, base"),
                bad("YAML syntax error", "4:1", HEAD + "matrix: {platform.kvm: [\"6.10\"\n", "YAML syntax error"),
                bad(
                        "unknown top-level key",
                        "3:1",
                        HEAD + "matrixx: {}\n",
                        "unknown key 'matrixx'; allowed keys: name, description, base, seed, nodes, matrix, faults"),
                bad("missing base", "1:1", "name: t\n", "missing required key 'base'"),
                bad("bad name", "1:7", "name: Quirks\nbase: kernel/6-16-quirk-on\n", "([a-z0-9-/]+)"),
                bad(
                        "base not found",
                        "2:7",
                        "name: t\nbase: kernel/6-99\n",
                        "base: 'kernel/6-99': no such scenario file or bundled scenario; see ./memtype-lab catalogue"),
                bad(
                        "matrix key is not a key path",
                        "4:3",
                        HEAD + "matrix:\n  platform..kvm: [\"6.10\"]\n",
                        "'platform..kvm' is not a scenario key path; allowed: keys separated by '.'"),
                bad(
                        "matrix varies expect",
                        "4:3",
                        HEAD + "matrix:\n  expect.verdict: [hazard]\n",
                        "expect.verdict cannot be varied (runs are judged against the cell's fault-free oracle run)"),
                bad(
                        "overlapping matrix keys",
                        "5:3",
                        HEAD + "matrix:\n  platform.kvm: [\"6.10\"]\n  platform: [{kvm: \"6.11\"}]\n",
                        "matrix: platform overlaps platform.kvm (line 4)"),
                bad(
                        "matrix value not a list",
                        "4:17",
                        HEAD + "matrix:\n  platform.kvm: \"6.10\"\n",
                        "matrix.platform.kvm: expected a non-empty list of values, found '6.10'"),
                bad(
                        "empty value list",
                        "4:17",
                        HEAD + "matrix:\n  platform.kvm: []\n",
                        "expected a non-empty list of values, found a list"),
                bad(
                        "duplicate matrix value",
                        "4:26",
                        HEAD + "matrix:\n  platform.kvm: [\"6.10\", \"6.10\"]\n",
                        "duplicate value \"6.10\" (first at line 4, column 18)"),
                bad(
                        "linked value of the wrong width",
                        "4:55",
                        HEAD + "matrix:\n  \"gpu-process.driver, steps[1].allocate.placement\": [[amdgpu]]\n",
                        "expected a list of 2 values (one per key path), found a list"),
                bad(
                        "message probability above 1",
                        "3:29",
                        HEAD + "faults: {random: {messages: 1.5}}\n",
                        "faults.random.messages: 1.5 is out of range; allowed: 0 to 1"),
                bad(
                        "message probability not a number",
                        "3:29",
                        HEAD + "faults: {random: {messages: often}}\n",
                        "expected a probability, found 'often'"),
                bad(
                        "negative kills",
                        "3:26",
                        HEAD + "faults: {random: {kills: -1}}\n",
                        "faults.random.kills: expected a number of pairs per run from 0 to 100"),
                bad(
                        "zero runs per cell",
                        "3:25",
                        HEAD + "faults: {runs-per-cell: 0}\n",
                        "faults.runs-per-cell: 0 is out of range"),
                bad(
                        "unknown random fault",
                        "3:19",
                        HEAD + "faults: {random: {drops: 0.1}}\n",
                        "unknown key 'drops'; allowed keys: messages, kills, partitions"),
                // the rest are found by loading the cells' scenarios
                bad(
                        "unknown scenario key in the matrix",
                        "4:3",
                        HEAD + "matrix:\n  platform.kvmm: [\"6.10\"]\n",
                        "matrix: platform.kvmm: platform: unknown key 'kvmm'; allowed keys: cpu, self-snoop, kvm,"),
                bad(
                        "unknown top-level scenario key in the matrix",
                        "4:3",
                        HEAD + "matrix:\n  platfrom.kvm: [\"6.10\"]\n",
                        "unknown key 'platfrom'; allowed keys: name, description"),
                bad(
                        "value the loader never accepts",
                        "4:32",
                        HEAD + "matrix:\n  gpu-process.driver: [amdgpu, amdgpux]\n",
                        "matrix.gpu-process.driver: amdgpux is rejected in every cell (cell 2-amdgpux:"
                                + " gpu-process.driver: 'amdgpux' is not allowed; allowed: amdgpu,"),
                bad(
                        "bad kernel version in the matrix",
                        "4:26",
                        HEAD + "matrix:\n  platform.kvm: [\"6.10\", \"six\"]\n",
                        "matrix.platform.kvm: six is rejected in every cell (cell 2-six: platform.kvm: 'six' is not a"
                                + " kernel version; accepted forms: MAJOR.MINOR"),
                bad(
                        "value no other matrix value allows",
                        "5:41",
                        HEAD
                                + "matrix:\n  platform.kvm: [\"6.10\", \"6.11\"]\n  platform.ignore-guest-pat-quirk: [on, off]\n",
                        "matrix.platform.ignore-guest-pat-quirk: off is rejected in every cell (cell 2-6.10-off:"
                                + " platform.ignore-guest-pat-quirk: kernel 6.10 has no IGNORE_GUEST_PAT quirk"),
                bad(
                        "no valid cell at all",
                        "4:3",
                        HEAD + "matrix:\n  gpu-process.driver: [i915]\n",
                        "matrix: no cell makes a valid scenario with kernel/6-16-quirk-on (cell 1-i915:"
                                + " steps[1].allocate.placement: gtt-uswc is not a placement of driver i915"),
                bad(
                        "key path through a scalar",
                        "4:3",
                        HEAD + "matrix:\n  platform.kvm.major: [6]\n",
                        "platform.kvm is '6.16' in the base scenario, not a mapping"),
                bad(
                        "list item past the end",
                        "4:3",
                        HEAD + "matrix:\n  steps[9].allocate.size: [4KiB]\n",
                        "steps has 6 items in the base scenario; allowed: [1] to [6]"));
    }

    private static Arguments bad(String what, String at, String yaml, String fragment) {
        return Arguments.of(what, at, yaml, fragment);
    }

    @Test
    void keyPathsParseAndPrintTheLoadersForm() {
        assertThat(KeyPath.parse("steps[3].map-blob.flags").map(KeyPath::toString))
                .contains("steps[3].map-blob.flags");
        assertThat(KeyPath.parse("steps[3].map-blob").orElseThrow().segments())
                .containsExactly(new KeyPath.Key("steps"), new KeyPath.Item(3), new KeyPath.Key("map-blob"));
        for (String bad : List.of("", "a..b", "steps[0]", "steps[x]", ".a", "a b")) {
            assertThat(KeyPath.parse(bad)).as(bad).isEmpty();
        }
    }
}
