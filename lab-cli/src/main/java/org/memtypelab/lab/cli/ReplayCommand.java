package org.memtypelab.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.HistoryDiff;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.campaign.ReplayPlan;
import org.memtypelab.lab.cluster.ClusterFormationException;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.ScenarioLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replay DIR}: re-plays a recorded run (of {@code run} or of a campaign) with its scenario, seed and fault plan
 * on an embedded cluster, and compares. A run without faults must replay line for line ({@code identical}); a faulty
 * run's message order depends on timing on a real cluster, so it must reach the same outcome (verdict, hazards,
 * migration, injected faults), and the first place its order differed is shown.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Re-play a recorded run (a `run` directory or a campaign's runs/<cell>/<run>) from its scenario,"
                + " seed and fault plan, and compare: \"identical\" history (wall times ignored), or for a faulty run"
                + " the same outcome with the orders that differed. Exit 0: same; 1: different; 2: not a run"
                + " directory; 3: the replay could not complete.")
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A run directory written by `run` or `campaign`.")
    Path dir;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Keep the replay's files in DIR (default: a temporary directory, deleted afterwards).")
    Path keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path scenarioFile = dir.resolve("scenario.yaml");
        Path history = dir.resolve("history.jsonl");
        for (Path p : new Path[] {scenarioFile, dir.resolve("result.json"), history}) {
            if (!Files.isRegularFile(p)) {
                return bad(err, dir + ": not a run directory (missing " + p.getFileName() + ")");
            }
        }
        LoadResult loaded = ScenarioLoader.load(scenarioFile);
        if (loaded instanceof ScenarioError e) {
            return bad(err, e.toString());
        }
        Scenario s = ((LoadResult.Loaded) loaded).scenario();
        RunResult recorded;
        String runId;
        try {
            recorded = RunFiles.readResult(dir);
            runId = Documents.JSON
                    .readTree(Files.readAllLines(history).get(0))
                    .get("run")
                    .asText();
        } catch (RuntimeException | IOException e) {
            return bad(err, dir + ": its result.json or history.jsonl cannot be read: " + e.getMessage());
        }
        Optional<FaultPlan> plan = ReplayPlan.of(s, recorded);
        if (plan.isEmpty()) {
            return bad(
                    err,
                    dir + ": the fault plan rebuilt from its seed is not the one it recorded (a run of another"
                            + " memtype-lab version?)");
        }
        Path again = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("memtype-lab-replay");
        ClusterLog.into(again);
        try {
            return replay(s, recorded, runId, plan.get(), again, out, err);
        } finally {
            if (keep == null) {
                RunFiles.deleteTree(again);
            }
        }
    }

    private int replay(
            Scenario s, RunResult recorded, String runId, FaultPlan plan, Path again, PrintWriter out, PrintWriter err)
            throws IOException {
        RunOutcome run;
        try (LabCluster cluster = LabCluster.embedded()) {
            run = new Conductor(cluster).run(s, recorded.seed(), again, runId, plan);
        } catch (ClusterFormationException e) {
            err.println("memtype-lab replay: the cluster did not form: " + e.getMessage());
            err.flush();
            return RunCommand.INCOMPLETE;
        }
        RunResult replayed = RunPipeline.finish(
                s, recorded.seed(), "embedded", run, again, RunPipeline.Expect.IGNORE, recorded.campaign());
        Optional<HistoryDiff.Difference> diff =
                HistoryDiff.first(dir.resolve("history.jsonl"), again.resolve("history.jsonl"));
        String where = keep != null ? "; replay in " + again : "";
        List<String> outcome = outcomeDifferences(recorded, replayed);
        int code;
        if (diff.isEmpty()) {
            out.println("identical (" + s.name() + ", seed " + recorded.seed() + where + ")");
            code = 0;
        } else if (!plan.armed().isEmpty() && outcome.isEmpty()) {
            HistoryDiff.Difference d = diff.get();
            out.println("same outcome (" + outcome(replayed) + "); the faults made the message order differ, first"
                    + " at history line " + d.line() + where + ":");
            out.println("  recorded: " + d.expected());
            out.println("  replayed: " + d.actual());
            code = 0;
        } else {
            HistoryDiff.Difference d = diff.get();
            out.println("differs at history line " + d.line() + where);
            out.println("  recorded: " + d.expected());
            out.println("  replayed: " + d.actual());
            outcome.forEach(o -> out.println("  " + o));
            code = RunCommand.EXPECT_FAILED;
        }
        out.flush();
        if (!run.incomplete().isEmpty() && recorded.complete()) {
            err.println("memtype-lab replay: the replay could not complete: " + run.incomplete());
            err.flush();
            return RunCommand.INCOMPLETE;
        }
        return code;
    }

    /** What a faulty run must reproduce: verdict, hazards (buffer, parties, kind), migration, injected faults. */
    static List<String> outcomeDifferences(RunResult a, RunResult b) {
        List<String> out = new ArrayList<>();
        if (!a.verdict().equals(b.verdict())) {
            out.add("verdict: recorded " + a.verdict() + ", replayed " + b.verdict());
        }
        if (!hazards(a).equals(hazards(b))) {
            out.add("hazards: recorded " + hazards(a) + ", replayed " + hazards(b));
        }
        if (!a.migration().status().equals(b.migration().status())) {
            out.add("migration: recorded " + a.migration().status() + ", replayed "
                    + b.migration().status());
        }
        if (a.faults().injected() != b.faults().injected()) {
            out.add("faults injected: recorded " + a.faults().injected() + ", replayed "
                    + b.faults().injected());
        }
        return out;
    }

    private static List<String> hazards(RunResult r) {
        return r.hazards().stream()
                .map(h -> h.buffer() + " "
                        + String.join("/", h.between().stream().sorted().toList()) + " " + h.kind())
                .sorted()
                .distinct()
                .toList();
    }

    private static String outcome(RunResult r) {
        return "verdict " + r.verdict() + ", hazards "
                + (r.hazards().isEmpty() ? "none" : String.join("; ", hazards(r))) + ", migration "
                + r.migration().status() + ", faults injected " + r.faults().injected();
    }

    private static int bad(PrintWriter err, String why) {
        err.println("memtype-lab replay: " + why);
        err.flush();
        return Main.EXIT_BAD_INPUT;
    }
}
