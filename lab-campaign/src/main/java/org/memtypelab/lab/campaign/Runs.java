package org.memtypelab.lab.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.run.ResultDocument;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.protocol.node.MessageRule;

/** Plays one campaign run on a warm cluster's conductor and writes its directory like {@code run} does. */
final class Runs {

    private Runs() {}

    /** The only call into the conductor. */
    static RunOutcome play(Conductor c, Scenario s, long seed, Path dir, String runId, FaultPlan plan) {
        return c.run(s, seed, dir, runId, plan);
    }

    /** The directory name of run {@code run} of a cell: {@code oracle}, {@code r01}, ... */
    static String name(int run, int runsPerCell) {
        return run == 0
                ? "oracle"
                : String.format("r%0" + String.valueOf(runsPerCell).length() + "d", run);
    }

    /**
     * Plays run {@code run} of {@code cell} into {@code campaignDir/runs/<cell>/<run>/} and writes result.json and
     * history.jsonl there; a conductor failure (a bug) becomes an incomplete run with its message.
     */
    static RunRecord play(
            Conductor conductor, String nodes, Campaign campaign, Cell.Playable cell, int run, Path campaignDir) {
        CampaignSpec spec = campaign.spec();
        long seed = RunSeeds.of(spec.seed(), cell.index(), run);
        String rel =
                CampaignDocument.cellDir(cell) + "/" + name(run, spec.faults().runsPerCell());
        Path dir = campaignDir.resolve(rel);
        FaultPlan plan = run == 0 ? FaultPlan.NONE : RandomFaults.plan(cell.scenario(), seed, spec.faults());
        String runId = cell.scenario().name() + "/" + name(run, spec.faults().runsPerCell()) + "@" + seed;
        RunOutcome outcome;
        try {
            // like `run`, so that `replay` finds the scenario next to the run's seed and history
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("scenario.yaml"), cell.yaml(), StandardCharsets.UTF_8);
            outcome = play(conductor, cell.scenario(), seed, dir, runId, plan);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("scenario.yaml"), e);
        } catch (RuntimeException e) {
            outcome = RunOutcome.failedToStart("the conductor failed: " + e);
        }
        // the monitor against everything the nodes acted on, whatever the faults did (their traces)
        TraceTruth.Comparison truth = outcome.report() == null
                ? null
                : TraceTruth.compare(
                        dir,
                        new Coherence(
                                cell.scenario().platform().cpu(),
                                cell.scenario().platform().selfSnoop()),
                        outcome.report().hazards());
        Map<String, Object> doc = ResultDocument.of(cell.scenario(), seed, nodes, outcome, List.of(), truth);
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("name", spec.name());
        about.put("cell", cell.id());
        about.put("run", run == 0 ? "oracle" : run);
        Map<String, Object> random = new LinkedHashMap<>();
        random.put("messages", spec.faults().messages());
        random.put("kills", spec.faults().kills());
        random.put("partitions", spec.faults().partitions());
        // RandomFaults.plan(scenario, seed, these) gives fault_plan again
        about.put("random_faults", run == 0 ? Map.of() : random);
        about.put("fault_plan", describe(plan));
        doc.put("campaign", about);
        RunFiles.writeResult(dir, doc);
        RunFiles.mergeHistory(dir);
        return RunRecord.of(cell.index(), run, seed, rel, outcome, truth);
    }

    /** A fault plan in the scenario file's {@code faults} form, with step numbers. */
    static List<Map<String, Object>> describe(FaultPlan plan) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FaultPlan.Armed a : plan.armed()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", a.step());
            if (a.action() instanceof FaultPlan.Messages ms) {
                List<Map<String, Object>> rules = new ArrayList<>();
                for (MessageRule r : ms.rules()) {
                    Map<String, Object> j = new LinkedHashMap<>();
                    j.put("action", r.action().label());
                    j.put("probability", r.probability());
                    if (r.action() == MessageRule.Action.DELAY) {
                        j.put("ms", r.delayMs());
                    }
                    rules.add(j);
                }
                m.put("messages", rules);
            } else if (a.action() instanceof FaultPlan.Kill k) {
                m.put("kill", k.node().label());
            } else if (a.action() instanceof FaultPlan.Restart r) {
                m.put("restart", r.node().label());
            } else if (a.action() instanceof FaultPlan.Partition p) {
                m.put(
                        "partition",
                        p.groups().stream()
                                .map(g -> g.stream().sorted().toList())
                                .toList());
            } else {
                m.put("heal", Map.of());
            }
            out.add(m);
        }
        return out;
    }
}
