package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioLoader;
import org.memtypelab.lab.scenario.YamlMutator;

/**
 * Seeded mutants of the bundled scenarios that load are played in the simulator (the same node actors as the other
 * modes): each run completes or ends incomplete with a reason - never an exception - and a completed run's verdict
 * keeps the monitor's guarantee against its own traces: no hazard the nodes acted on is missed. The cluster survives
 * them all: the status quo still gives its hazard afterwards.
 */
class PlayedMutantsFuzzTest {

    static final long SEED = Long.getLong("fuzz.seed", 0x91A7_ED00L);
    static final int PLAYED = 500;

    @Test
    void fiveHundredValidMutantsPlayWithoutACrashOrAMissedHazard(@TempDir Path tmp) {
        ScenarioCatalogue catalogue = ScenarioCatalogue.bundled();
        List<String> bundled = catalogue.names().stream()
                .map(n -> catalogue.text(n).orElseThrow())
                .toList();
        YamlMutator mutator = new YamlMutator(new SplittableRandom(SEED), bundled);
        SplittableRandom pick = new SplittableRandom(SEED + 1);
        List<String> incomplete = new ArrayList<>();
        int completed = 0;
        int tried = 0;
        try (LabCluster sim = LabCluster.sim()) {
            Conductor conductor = new Conductor(sim);
            while (completed + incomplete.size() < PLAYED) {
                String text = mutator.mutate(bundled.get(pick.nextInt(bundled.size())));
                tried++;
                if (!(ScenarioLoader.load("mutant.yaml", text) instanceof LoadResult.Loaded loaded)) {
                    continue;
                }
                Scenario s = loaded.scenario();
                Path dir = tmp.resolve("m" + tried);
                RunOutcome run;
                try {
                    run = conductor.run(s, s.seed(), dir, "mutant-" + tried);
                } catch (RuntimeException e) {
                    throw new AssertionError("mutant " + tried + " crashed the run: " + e + "\n" + text, e);
                }
                if (!run.incomplete().isEmpty()) { // exit 3, with the reason
                    incomplete.add(run.incomplete());
                } else {
                    completed++;
                    TraceTruth.Comparison truth = TraceTruth.compare(
                            RunFiles.traces(dir),
                            s.platform().coherence(),
                            run.report().hazards());
                    assertThat(truth.missed())
                            .as("hazards mutant %d's monitor missed\n%s", tried, text)
                            .isEmpty();
                    if (!truth.truth().hazards().isEmpty()) {
                        assertThat(run.report().verdict()).isNotEqualTo(Verdict.CONSISTENT);
                    }
                }
                RunFiles.deleteTree(dir);
            }
            RunOutcome after = conductor.run(
                    scenario(catalogue, "thread/option-0-status-quo"), 1, tmp.resolve("after"), "after@1");
            assertThat(after.report().verdict()).isEqualTo(Verdict.HAZARD);
        }
        System.out.println("played mutants: " + completed + " completed, " + incomplete.size() + " incomplete, of "
                + tried + " mutants");
        assertThat(completed).as("most valid mutants are judged").isGreaterThan(PLAYED / 2);
    }

    private static Scenario scenario(ScenarioCatalogue catalogue, String name) {
        return ((LoadResult.Loaded) catalogue.resolve(name)).scenario();
    }
}
