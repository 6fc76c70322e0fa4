package org.memtypelab.lab.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.memtypelab.lab.junit.ScenarioBuilder.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenarios from the catalogue, a file and the builder, played on one real embedded cluster for the whole class. */
@MemtypeLab
class MemtypeLabExtensionTest {

    static ActorSystem<?> conductorBeforeAll;

    @BeforeAll
    static void rememberTheCluster(LabRunner lab) {
        conductorBeforeAll = lab.cluster().conductor();
    }

    @Test
    void aBundledNamePlaysTheCataloguesScenario(LabRunner lab) {
        LabResult result = lab.run("thread/option-0-status-quo");

        assertThat(result)
                .isComplete()
                .hasVerdict("hazard")
                .hasHazard("b0", "renderer", "guest", "memtype-alias")
                .hasHazard("b0", "guest", "gpu", "non-snooped-dma")
                .hasMapping("b0", "guest", "WB")
                .hasMapping("b0", "renderer", "WC")
                .hasMigration("blocked")
                .meetsItsExpectations();
        assertThat(result.hazards())
                .extracting(h -> h.kind() + "@" + h.step())
                .containsExactlyInAnyOrder("memtype-alias@4", "non-snooped-dma@6");
        assertThat(result.mapping("b0", "guest").orElseThrow().ept().ipat()).isTrue();
        // a real run directory: the scenario played, every node's trace, the history and result.json
        assertThat(result.dir()).isDirectory().startsWith(lab.runs());
        for (String file : new String[] {
            "scenario.yaml", "result.json", "history.jsonl", "trace-kvm-node.jsonl", "trace-gpu-process-node.jsonl"
        }) {
            assertThat(result.dir().resolve(file)).isNotEmptyFile();
        }
        assertThatThrownBy(() -> assertThat(result).hasVerdict("consistent"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected verdict <consistent> but was <hazard>")
                .hasMessageContaining("memtype-alias")
                .hasMessageContaining(result.dir().toString());
    }

    @Test
    void aFileIsPlayedAsWritten(LabRunner lab, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("honor-guest-pat.yaml");
        Files.writeString(file, """
                name: mine/honor-guest-pat
                platform: {cpu: intel, self-snoop: false, kvm: "5.6+honor-guest-pat"}
                gpu-process: {driver: amdgpu}
                steps:
                  - allocate: {buffer: b0, size: 2MiB, placement: gtt-uswc}
                  - export: {buffer: b0}
                  - map-blob: {buffer: b0, gpa: 0x100000000}
                  - guest-map: {buffer: b0}
                  - guest-write: {buffer: b0, offset: 0, value: 0xab}
                  - gpu-read: {buffer: b0, offset: 0}
                """);

        LabResult result = lab.run(file);

        assertThat(result).hasVerdict("consistent").hasNoHazards().hasMapping("b0", "guest", "WC");
        assertThat(result.dir().resolve("scenario.yaml")).hasSameTextualContentAs(file);
    }

    @Test
    void aBuiltScenarioGivesTheVerdictOfTheFileItCopies(LabRunner lab) {
        LabResult result = lab.run(ScenarioBuilderTest.statusQuo());

        assertThat(result)
                .hasVerdict("hazard")
                .hasHazard("b0", "guest", "renderer", "memtype-alias")
                .hasHazard("b0", "gpu", "guest", "non-snooped-dma")
                .hasMigration("blocked")
                .meetsItsExpectations();
        assertThat(result.dir().resolve("scenario.yaml"))
                .content()
                .isEqualTo(ScenarioBuilderTest.statusQuo().yaml());
    }

    @Test
    void eachStepSaysWhatKvmAnswered(LabRunner lab) {
        LabResult result = lab.run(scenario("mine/overlap")
                .kvm("6.12")
                .setMemoryRegion(1, 0, "1GiB")
                .setMemoryRegion(2, 0x20000000, "1GiB")
                .step("set-memory-region", "slot", 1, "gpa", 0, "size", "1GiB", "flags", List.of("readonly"))
                .setMemoryRegion(1, 0, "0"));

        assertThat(result).hasVerdict("consistent").hasErrno(1, "0").hasErrno("set-memory-region#2", "EEXIST");
        assertThat(result.step(3).errno()).contains("EINVAL");
        assertThat(result.step("set-memory-region#4").errno()).contains("0");
        assertThat(result.steps()).extracting(StepResult::kind).containsOnly("set-memory-region");
        assertThatThrownBy(() -> assertThat(result).hasErrno(2, "0"))
                .hasMessageContaining("Expected step 2 (set-memory-region) to answer <0> but it answered <EEXIST>");
    }

    @Test
    void aBadBuiltScenarioFailsWithItsLocationBeforeAnythingRuns(LabRunner lab) throws Exception {
        long runsBefore = runDirectories(lab);

        assertThatThrownBy(() ->
                        lab.run(scenario("mine/bad-placement").driver("amdgpu").allocate("b0", "2MiB", "vidmem")))
                .isInstanceOf(InvalidScenarioException.class)
                .hasMessageStartingWith("ScenarioBuilder(mine/bad-placement):5:55: steps[1].allocate.placement: ")
                .hasMessageContaining("vidmem is not a placement of driver amdgpu")
                .hasMessageContaining("  5 |   - allocate: {buffer: \"b0\", size: \"2MiB\", placement: \"vidmem\"}");
        assertThatThrownBy(() -> lab.run("thread/option-0-status-qou"))
                .isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("thread/option-0-status-quo");
        assertThat(runDirectories(lab)).isEqualTo(runsBefore);
    }

    @Test
    void everyTestPlaysOnTheClassesCluster(LabRunner lab) {
        assertThat(conductorBeforeAll).isNotNull();
        assertThat(lab.cluster().conductor()).isSameAs(conductorBeforeAll);
        assertThat(lab.cluster().mode()).isEqualTo("embedded");
    }

    private static long runDirectories(LabRunner lab) throws Exception {
        try (var dirs = Files.list(lab.runs())) {
            return dirs.count();
        }
    }
}
