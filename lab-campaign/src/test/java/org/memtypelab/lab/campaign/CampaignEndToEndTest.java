package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.lab.run.LabCluster;

/**
 * Tiny campaigns on one warm simulated cluster, shared by every test here: the campaign runner is what is tested,
 * and the simulator plays the same node actors as embedded mode, in virtual time (LoadIT plays a faulty campaign on
 * embedded clusters, each in its own JVM).
 */
class CampaignEndToEndTest {

    static LabCluster cluster;

    /** Two cells (self-snoop keeps the guest's WC coherent or not) x 3 runs, plus an oracle run each. */
    static final String TINY = """
            name: tiny
            base: kernel/6-11-rc-self-snoop
            matrix:
              platform.self-snoop: [true, false]
            faults: {runs-per-cell: 3}
            """;

    @BeforeAll
    static void formCluster() {
        cluster = LabCluster.sim();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    /** The shared cluster, which the runner may not close. */
    static LabCluster shared() {
        return LabCluster.unclosed(cluster);
    }

    @Test
    void tinyCampaignWithoutFaultsAgreesWithItsOracles(@TempDir Path dir) throws Exception {
        Campaign campaign = Specs.ready(TINY);
        List<Integer> seen = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        Progress progress = new Progress() {
            @Override
            public void update(int done, int total, String counts) {
                seen.add(done);
            }

            @Override
            public void cellDone(CellResult cell, int done, int total) {
                lines.add(LineProgress.line("tiny", cell, done, total));
            }
        };

        CampaignResult r = new CampaignRunner(campaign, dir, 1, CampaignEndToEndTest::shared, progress).run();

        assertThat(r.exitCode()).isZero();
        assertThat(r.runsDone()).isEqualTo(8);
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        // what a piped console prints: one plain line per finished cell
        assertThat(lines)
                .containsExactly(
                        "tiny 4/8 runs: cell " + r.cells().get(0).cell().id()
                                + " done, hazard 0 missed 0 false 0 exit-3 0",
                        "tiny 8/8 runs: cell " + r.cells().get(1).cell().id()
                                + " done, hazard 3 missed 0 false 0 exit-3 0");
        CellResult snoop = r.cells().get(0);
        CellResult noSnoop = r.cells().get(1);
        assertThat(snoop.oracle().orElseThrow().verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(snoop.verdicts().get(Verdict.CONSISTENT)).isEqualTo(3);
        assertThat(noSnoop.oracle().orElseThrow().verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(noSnoop.oracle().orElseThrow().hazards()).isNotEmpty();
        assertThat(noSnoop.verdicts().get(Verdict.HAZARD)).isEqualTo(3);
        for (CellResult c : r.cells()) {
            assertThat(c.missed()).isEmpty();
            assertThat(c.falseHazards()).isEmpty();
            assertThat(c.exit3()).isZero();
        }

        JsonNode doc = new ObjectMapper().readTree(dir.resolve("campaign.json").toFile());
        assertThat(doc.get("runs_done").asInt()).isEqualTo(8);
        assertThat(doc.get("totals").get("missed").asInt()).isZero();
        assertThat(doc.get("totals").get("false").asInt()).isZero();
        assertThat(doc.get("cells").get(1).get("verdicts").get("hazard").asInt())
                .isEqualTo(3);
        assertThat(doc.get("exit_code").asInt()).isZero();
        for (String run : List.of("oracle", "r1", "r2", "r3")) {
            Path runDir = dir.resolve("runs/2-false").resolve(run);
            assertThat(runDir.resolve("result.json")).exists();
            assertThat(runDir.resolve("history.jsonl")).exists();
            assertThat(runDir.resolve("trace-conductor.jsonl")).exists();
            assertThat(runDir.resolve("scenario.yaml")).exists(); // what `replay` reads
        }
        assertThat(dir.resolve("runs/2-false/scenario.yaml")).content().contains("name: tiny/cell-2");
        JsonNode result = new ObjectMapper()
                .readTree(dir.resolve("runs/2-false/r2/result.json").toFile());
        assertThat(result.get("seed").asLong()).isEqualTo(RunSeeds.of(1, 2, 2));
        assertThat(result.get("campaign").get("cell").asText()).isEqualTo("2-false");
        assertThat(CampaignTable.render(r, dir.toString()))
                .contains("2-false", "hazard", "total     8/8 runs, 3 hazard verdicts, missed 0, false 0, exit-3 0");
    }

    @Test
    void messageFaultsNeverHideOrInventAHazard(@TempDir Path dir) {
        Campaign campaign =
                Specs.ready(TINY.replace("{runs-per-cell: 3}", "{random: {messages: 0.05}, runs-per-cell: 3}"));

        CampaignResult r = new CampaignRunner(campaign, dir, 1, CampaignEndToEndTest::shared, Progress.NONE).run();

        assertThat(r.runsDone()).isEqualTo(8);
        for (CellResult c : r.cells()) {
            assertThat(c.oracle().orElseThrow().complete()).isTrue();
            assertThat(c.missed()).as(c.cell().id()).isEmpty();
            assertThat(c.falseHazards()).as(c.cell().id()).isEmpty();
            int verdicts =
                    c.verdicts().values().stream().mapToInt(Integer::intValue).sum();
            assertThat(verdicts + c.exit3()).isEqualTo(3);
        }
        assertThat(r.exitCode()).isZero();
    }

    /**
     * Faults alone can end every run incomplete: that is a result, not a broken cluster. A streak of them makes the
     * worker play a fault-free probe run, which completes, so the cluster is kept.
     */
    @Test
    void incompleteFaultyRunsAloneDoNotReplaceAHealthyCluster(@TempDir Path dir) {
        Campaign campaign = Specs.ready(TINY.replace("[true, false]", "[true]")
                .replace("{runs-per-cell: 3}", "{random: {messages: 1}, runs-per-cell: 3}"));

        CampaignResult r = new CampaignRunner(campaign, dir, 1, CampaignEndToEndTest::shared, Progress.NONE).run();

        CellResult cell = r.cells().get(0);
        assertThat(cell.oracle().orElseThrow().complete()).isTrue();
        assertThat(cell.exit3()).as("every faulty run loses all its messages").isEqualTo(3);
        assertThat(r.clusterProbes()).isEqualTo(1);
        assertThat(r.clusterRestarts()).isZero();
        assertThat(r.clusterErrors()).isEmpty();
    }

    /** The verify-sized campaign: 50 seeded faulty runs with message faults, kills and partitions. */
    @Test
    void fiftyFaultyRunsNeverMissOrInventAHazard(@TempDir Path dir) {
        Campaign campaign = Specs.ready(TINY.replace(
                "{runs-per-cell: 3}", "{random: {messages: 0.02, kills: 0.1, partitions: 0.1}, runs-per-cell: 25}"));

        CampaignResult r = new CampaignRunner(campaign, dir, 1, CampaignEndToEndTest::shared, Progress.NONE).run();

        assertThat(r.runsDone()).isEqualTo(52);
        int faultyRuns = 0;
        for (CellResult c : r.cells()) {
            assertThat(c.oracle().orElseThrow().complete()).isTrue();
            assertThat(c.missed()).as(c.cell().id()).isEmpty();
            assertThat(c.falseHazards()).as(c.cell().id()).isEmpty();
            assertThat(c.truthMismatches()).as(c.cell().id()).isEmpty();
            faultyRuns += c.runs().size();
            // most runs must be judged, not just survive as exit 3
            int judged =
                    c.verdicts().values().stream().mapToInt(Integer::intValue).sum();
            assertThat(judged)
                    .as(c.cell().id() + " judged runs")
                    .isGreaterThan(c.runs().size() / 2);
        }
        assertThat(faultyRuns).isEqualTo(50);
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void stoppingKeepsTheFinishedRunsAndWritesAPartialCampaignJson(@TempDir Path dir) throws Exception {
        Campaign campaign = Specs.ready(TINY);
        AtomicReference<CampaignRunner> runner = new AtomicReference<>();
        Progress stopAfterTwo = (done, total, counts) -> {
            if (done == 2) {
                runner.get().stop(); // what the Ctrl-C hook does
            }
        };
        runner.set(new CampaignRunner(campaign, dir, 1, CampaignEndToEndTest::shared, stopAfterTwo));

        CampaignResult r = runner.get().run();

        assertThat(r.interrupted()).isTrue();
        assertThat(r.runsDone()).isEqualTo(2);
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("campaign.json").toFile());
        assertThat(doc.get("interrupted").asBoolean()).isTrue();
        assertThat(doc.get("complete").asBoolean()).isFalse();
        assertThat(doc.get("runs_done").asInt()).isEqualTo(2);
        assertThat(doc.get("cells").get(0).get("status").asText()).isEqualTo("partial");
        assertThat(doc.get("cells").get(0).get("runs").asInt()).isEqualTo(1);
    }
}
