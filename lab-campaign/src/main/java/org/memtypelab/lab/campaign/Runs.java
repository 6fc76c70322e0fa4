package org.memtypelab.lab.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
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
        RunResult.RandomFaultRates rates = run == 0
                ? null
                : new RunResult.RandomFaultRates(
                        spec.faults().messages(),
                        spec.faults().kills(),
                        spec.faults().partitions());
        RunResult result = RunPipeline.finish(
                cell.scenario(),
                seed,
                nodes,
                outcome,
                dir,
                RunPipeline.Expect.IGNORE,
                new RunResult.CampaignRun(
                        spec.name(), cell.id(), name(run, spec.faults().runsPerCell()), rates, describe(plan)));
        return RunRecord.of(cell.index(), run, seed, rel, outcome, result.truth());
    }

    /**
     * Plays {@code cell}'s scenario without faults into a temporary directory that is deleted afterwards, to ask
     * whether the cluster still works: empty when the run completed, else why it did not. Nothing of it is recorded.
     */
    static String probe(Conductor conductor, Cell.Playable cell) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("memtype-lab-probe");
            RunOutcome outcome =
                    play(conductor, cell.scenario(), cell.scenario().seed(), dir, "probe", FaultPlan.NONE);
            return outcome.incomplete();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for a probe run", e);
        } catch (RuntimeException e) {
            return "the conductor failed: " + e.getMessage();
        } finally {
            if (dir != null) {
                try {
                    RunFiles.deleteTree(dir);
                } catch (UncheckedIOException e) {
                    // a leftover temporary directory is not worth failing a campaign for
                }
            }
        }
    }

    /** A fault plan in the scenario file's {@code faults} form, with step numbers. */
    static List<RunResult.PlannedFault> describe(FaultPlan plan) {
        List<RunResult.PlannedFault> out = new ArrayList<>();
        for (FaultPlan.Armed a : plan.armed()) {
            int step = a.step();
            if (a.action() instanceof FaultPlan.Messages ms) {
                List<RunResult.MessageRuleEntry> rules = ms.rules().stream()
                        .map(r -> new RunResult.MessageRuleEntry(
                                r.action().label(),
                                r.probability(),
                                r.action() == MessageRule.Action.DELAY ? r.delayMs() : null))
                        .toList();
                out.add(new RunResult.PlannedFault(step, rules, null, null, null, null));
            } else if (a.action() instanceof FaultPlan.Kill k) {
                out.add(new RunResult.PlannedFault(step, null, k.node().label(), null, null, null));
            } else if (a.action() instanceof FaultPlan.Restart r) {
                out.add(new RunResult.PlannedFault(step, null, null, r.node().label(), null, null));
            } else if (a.action() instanceof FaultPlan.Partition p) {
                List<List<String>> groups = p.groups().stream()
                        .map(g -> g.stream().sorted().toList())
                        .toList();
                out.add(new RunResult.PlannedFault(step, null, null, null, groups, null));
            } else if (a.action() instanceof FaultPlan.Heal) {
                out.add(new RunResult.PlannedFault(step, null, null, null, null, Map.of()));
            } else {
                throw new IllegalArgumentException(
                        "campaigns plan no " + a.action().describe());
            }
        }
        return out;
    }
}
