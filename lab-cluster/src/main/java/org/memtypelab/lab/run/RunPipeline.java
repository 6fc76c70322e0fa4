package org.memtypelab.lab.run;

import java.nio.file.Path;
import java.util.List;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.documents.TraceLine;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.scenario.Scenario;

/**
 * What every run does once the conductor returns, for `run`, `replay` and campaigns alike: check the scenario's
 * {@code expect}, judge the monitor against the ground truth of the traces, write result.json and merge
 * history.jsonl.
 */
public final class RunPipeline {

    private RunPipeline() {}

    /** Whether a run's {@code expect} is checked (a campaign cell varies the scenario, so its expect does not apply). */
    public enum Expect {
        CHECK,
        IGNORE
    }

    /** Finishes run {@code run} of {@code s} in {@code dir} and returns what it wrote as result.json. */
    public static RunResult finish(
            Scenario s,
            long seed,
            String nodes,
            RunOutcome run,
            Path dir,
            Expect expect,
            RunResult.CampaignRun campaign) {
        Verdict verdict = run.report() == null ? Verdict.UNKNOWN : run.report().verdict();
        List<String> failures = run.report() == null || expect == Expect.IGNORE
                ? List.of()
                : ExpectCheck.failures(s.expect(), verdict, run.report().hazards(), run);
        // the traces are read once: for the truth and for the history
        List<TraceLine> traces = RunFiles.traces(dir);
        // the monitor against everything the nodes acted on, whatever the faults did
        TraceTruth.Comparison truth = run.report() == null
                ? null
                : TraceTruth.compare(
                        traces, s.platform().coherence(), run.report().hazards());
        RunResult result = ResultDocument.onNetwork(ResultDocument.of(s, seed, nodes, run, failures, truth), dir);
        if (campaign != null) {
            result = result.inCampaign(campaign);
        }
        RunFiles.writeResult(dir, result);
        RunFiles.writeHistory(dir, traces);
        return result;
    }
}
