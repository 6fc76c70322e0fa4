package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.CampaignSummary;
import org.memtypelab.documents.Documents;

class CampaignDocumentTest {

    static final HazardId ALIAS = new HazardId("b0", List.of("renderer", "guest"), "memtype-alias");
    static final HazardId DMA = new HazardId("b0", List.of("guest", "gpu"), "non-snooped-dma");

    /** Cell 1 runs (3 runs per cell), cell 2 is skipped (the quirk off on 6.10). */
    static final Campaign CAMPAIGN = Specs.ready("""
            name: shape
            base: kernel/6-11-self-snoop
            matrix:
              platform.kvm: ["6.16", "6.10"]
              platform.ignore-guest-pat-quirk: ["off"]
            faults: {random: {messages: 0.05}, runs-per-cell: 3}
            """);

    static RunRecord run(int run, Verdict v, Set<HazardId> hazards, String incomplete, long ms) {
        return new RunRecord(
                1,
                run,
                100 + run,
                "runs/1-6.16-off/r" + run,
                v,
                hazards,
                incomplete,
                ms,
                List.of(),
                List.of(),
                Set.of(),
                Set.of());
    }

    static CampaignResult result(RunRecord oracle, List<RunRecord> runs, boolean interrupted) {
        List<CellResult> cells = new ArrayList<>();
        cells.add(new CellResult(CAMPAIGN.cells().get(0), Optional.of(oracle), runs));
        cells.add(new CellResult(CAMPAIGN.cells().get(1), Optional.empty(), List.of()));
        return new CampaignResult(CAMPAIGN, cells, interrupted, 2, "embedded", 2, List.of(), 0, 0, 4321);
    }

    @Test
    void campaignJsonHasOneRowPerCellWithCountsMismatchesAndTimes() throws Exception {
        RunRecord oracle = run(0, Verdict.HAZARD, Set.of(ALIAS, DMA), "", 50);
        List<RunRecord> runs = List.of(
                run(1, Verdict.HAZARD, Set.of(ALIAS, DMA), "", 100),
                run(2, Verdict.HAZARD, Set.of(ALIAS), "", 200), // misses DMA
                run(3, Verdict.UNKNOWN, Set.of(), "step 4 (guest-map) got no answer", 300));
        CampaignResult r = result(oracle, runs, false);

        // through Jackson and back: the file is what users and `report` read
        JsonNode doc = Documents.JSON.readTree(Documents.PRETTY.writeValueAsString(CampaignDocument.of(r)));

        assertThat(names(doc))
                .containsExactly(
                        "campaign",
                        "description",
                        "spec",
                        "base",
                        "seed",
                        "nodes",
                        "parallel",
                        "faults",
                        "complete",
                        "interrupted",
                        "runs_planned",
                        "runs_done",
                        "wall_ms",
                        "clusters",
                        "totals",
                        "cells",
                        "exit_code");
        assertThat(doc.get("runs_planned").asInt()).isEqualTo(4);
        assertThat(doc.get("runs_done").asInt()).isEqualTo(4);
        assertThat(doc.get("complete").asBoolean()).isTrue();
        assertThat(doc.get("faults").get("messages").asDouble()).isEqualTo(0.05);
        assertThat(doc.get("exit_code").asInt()).isEqualTo(1);
        JsonNode totals = doc.get("totals");
        assertThat(totals.get("cells_skipped").asInt()).isEqualTo(1);
        assertThat(totals.get("missed").asInt()).isEqualTo(1);
        assertThat(totals.get("false").asInt()).isZero();
        assertThat(totals.get("exit3").asInt()).isEqualTo(1);
        assertThat(totals.get("verdicts").get("hazard").asInt()).isEqualTo(2);

        JsonNode cell = doc.get("cells").get(0);
        assertThat(cell.get("cell").asText()).isEqualTo("1-6.16-off");
        assertThat(cell.get("values").get("platform.kvm").asText()).isEqualTo("6.16");
        assertThat(cell.get("status").asText()).isEqualTo("failed");
        assertThat(cell.get("oracle").get("verdict").asText()).isEqualTo("hazard");
        assertThat(cell.get("oracle").get("hazards").get(0).get("between").toString())
                .isEqualTo("[\"gpu\",\"guest\"]");
        assertThat(cell.get("runs").asInt()).isEqualTo(3);
        assertThat(cell.get("verdicts").get("hazard").asInt()).isEqualTo(2);
        assertThat(cell.get("verdicts").get("unknown").asInt())
                .as("incomplete runs have no verdict")
                .isZero();
        assertThat(cell.get("hazards").get("b0 guest/renderer memtype-alias").asInt())
                .isEqualTo(2);
        assertThat(cell.get("missed").asInt()).isEqualTo(1);
        assertThat(cell.get("false").asInt()).isZero();
        assertThat(cell.get("exit3").asInt()).isEqualTo(1);
        assertThat(cell.get("mean_ms").asDouble()).isEqualTo(200.0);
        assertThat(cell.get("p99_ms").asLong()).isEqualTo(300);
        assertThat(cell.get("failures").findValuesAsText("why"))
                .containsExactly("missed b0 gpu/guest non-snooped-dma", "exit 3: step 4 (guest-map) got no answer");

        JsonNode skipped = doc.get("cells").get(1);
        assertThat(names(skipped)).containsExactly("cell", "index", "values", "status", "reason");
        assertThat(skipped.get("status").asText()).isEqualTo("skipped");
        assertThat(skipped.get("reason").asText()).contains("ignore-guest-pat-quirk");
    }

    @Test
    void falseHazardsAreCountedAndMatchingRunsPass() {
        RunRecord oracle = run(0, Verdict.CONSISTENT, Set.of(), "", 50);
        CellResult ok = new CellResult(
                CAMPAIGN.cells().get(0), Optional.of(oracle), List.of(run(1, Verdict.CONSISTENT, Set.of(), "", 10)));
        CellResult extra = new CellResult(
                CAMPAIGN.cells().get(0), Optional.of(oracle), List.of(run(1, Verdict.HAZARD, Set.of(ALIAS), "", 10)));

        assertThat(ok.failed()).isFalse();
        assertThat(extra.falseHazards()).extracting(CellResult.Mismatch::hazard).containsExactly(ALIAS);
        assertThat(extra.missed()).isEmpty();
        assertThat(extra.failed()).isTrue();
    }

    @Test
    void anIncompleteOracleFailsTheCellAndNothingIsCompared() {
        RunRecord oracle = run(0, Verdict.UNKNOWN, Set.of(), "the cluster did not answer", 50);
        CellResult c = new CellResult(
                CAMPAIGN.cells().get(0), Optional.of(oracle), List.of(run(1, Verdict.HAZARD, Set.of(ALIAS), "", 10)));

        assertThat(c.comparable()).isFalse();
        assertThat(c.falseHazards()).isEmpty();
        assertThat(c.failed()).isTrue();
    }

    @Test
    void interruptedCampaignIsPartialAndPassesWhatRan() throws Exception {
        RunRecord oracle = run(0, Verdict.HAZARD, Set.of(ALIAS), "", 50);
        CampaignResult r = result(oracle, List.of(run(1, Verdict.HAZARD, Set.of(ALIAS), "", 100)), true);
        CampaignSummary doc = CampaignDocument.of(r);

        assertThat(doc.complete()).isFalse();
        assertThat(doc.interrupted()).isTrue();
        assertThat(doc.runsDone()).isEqualTo(2);
        assertThat(doc.exitCode()).isZero();
        assertThat(doc.cells().get(0).status()).isEqualTo("partial");
    }

    @Test
    void aCellWhoseOracleHasNotFinishedSaysSoWithNull() throws Exception {
        CampaignResult r = new CampaignResult(
                CAMPAIGN,
                List.of(new CellResult(CAMPAIGN.cells().get(0), Optional.empty(), List.of())),
                true,
                1,
                "embedded",
                1,
                List.of(),
                0,
                0,
                10);

        JsonNode cell = Documents.JSON
                .readTree(Documents.PRETTY.writeValueAsString(CampaignDocument.of(r)))
                .get("cells")
                .get(0);

        assertThat(cell.has("oracle")).isTrue();
        assertThat(cell.get("oracle").isNull()).isTrue();
        assertThat(cell.get("status").asText()).isEqualTo("partial");
    }

    @Test
    void hazardIdentityIgnoresTheOrderOfTheParties() {
        assertThat(new HazardId("b0", List.of("renderer", "guest"), "memtype-alias"))
                .isEqualTo(new HazardId("b0", List.of("guest", "renderer"), "memtype-alias"));
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
