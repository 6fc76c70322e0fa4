package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunResult;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.junit.LabResult;
import org.memtypelab.lab.junit.LabRunner;
import org.memtypelab.lab.junit.MemtypeLab;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;

/**
 * Plays every bundled scenario on one warm embedded cluster (real Artery, ports 0; formed once for the class by
 * {@link MemtypeLab}, the JUnit 5 API users get) and checks its {@code expect}; then plays it again in the simulator
 * and checks that both modes wrote the same result.json (the differential test of {@code --nodes sim}).
 */
@MemtypeLab
class CatalogueRunTest {

    private static LabCluster sim;
    private static Conductor simConductor;

    @BeforeAll
    static void startSimulator() {
        sim = LabCluster.sim();
        simConductor = new Conductor(sim);
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    static Stream<String> bundled() {
        return ScenarioCatalogue.bundled().names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void bundledScenarioMeetsItsExpectations(String name, LabRunner lab, @TempDir Path tmp) throws Exception {
        LabResult result = lab.run(name);
        Scenario s = result.scenario();
        Path dir = result.dir();
        RunOutcome run = result.outcome();

        assertThat(run.incomplete()).as("run completed").isEmpty();
        List<String> failures = ExpectCheck.failures(
                s.expect(), run.report().verdict(), run.report().hazards(), run);
        assertThat(failures).as("expect of " + name).isEmpty();
        assertThat(run.report().unobserved()).isEmpty();
        // every node wrote a trace, and every hazard has a witness
        for (String node : List.of("kvm-node", "qemu-node", "gpu-process-node", "migration-node", "conductor")) {
            assertThat(dir.resolve("trace-" + node + ".jsonl")).exists();
        }
        assertThat(run.report().hazards())
                .allSatisfy(h -> assertThat(h.witness()).isNotBlank());
        if (run.report().verdict() == Verdict.CONSISTENT) {
            assertThat(run.report().hazards()).isEmpty();
        }
        // the ground truth: every event the nodes acted on, replayed from their traces through the monitor's logic
        TraceTruth.Comparison truth =
                TraceTruth.compare(dir, s.platform().coherence(), run.report().hazards());
        assertThat(truth.missed())
                .as("hazards in the traces the monitor missed")
                .isEmpty();
        if (s.faults().isEmpty()) {
            assertThat(truth.falseAlarms())
                    .as("hazards the monitor reported that no trace shows")
                    .isEmpty();
            assertThat(TraceTruth.keys(truth.truth().hazards()))
                    .isEqualTo(TraceTruth.keys(run.report().hazards()));
        }
        sameResultInSimulator(s, result.document(), tmp);
    }

    /**
     * The simulator plays the same scenario to the same result.json, apart from the mode and the wall time. A faulty
     * scenario's message order depends on real timing in a cluster, so there only the verdict, the hazards, the
     * migration and the injected faults must agree.
     */
    private static void sameResultInSimulator(Scenario s, RunResult embedded, Path tmp) {
        Path dir = tmp.resolve("sim");
        RunOutcome run = simConductor.run(s, s.seed(), dir, s.name() + "@" + s.seed());
        RunResult simulated = RunPipeline.finish(s, s.seed(), sim.mode(), run, dir, RunPipeline.Expect.CHECK, null);
        assertThat(simulated.nodes()).isEqualTo("sim");
        ObjectNode a = comparable(embedded);
        ObjectNode b = comparable(simulated);
        if (!s.faults().isEmpty()) {
            List<String> kept = List.of("verdict", "hazards", "migration", "faults", "complete", "expect");
            a.retain(kept);
            b.retain(kept);
        }
        assertThat(b).as("result.json in sim vs embedded").isEqualTo(a);
    }

    private static ObjectNode comparable(RunResult r) {
        ObjectNode json = Documents.JSON.valueToTree(r);
        json.remove(List.of("nodes", "wall_ms"));
        return json;
    }
}
