package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.memtypelab.documents.HistoryDiff;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.lab.cluster.ClusterFormationException;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.ScenarioLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code replay DIR}: re-runs a recorded run from its scenario and seed (embedded) and compares the histories. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Re-run a recorded run from its scenario.yaml and seed, and report the first differing event"
                + " of history.jsonl (wall times ignored), or \"identical\".")
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A run directory written by `run`.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path scenarioFile = dir.resolve("scenario.yaml");
        Path result = dir.resolve("result.json");
        Path history = dir.resolve("history.jsonl");
        for (Path p : new Path[] {scenarioFile, result, history}) {
            if (!Files.isRegularFile(p)) {
                err.println(dir + ": not a run directory (missing " + p.getFileName() + ")");
                err.flush();
                return Main.EXIT_BAD_INPUT;
            }
        }
        LoadResult loaded = ScenarioLoader.load(scenarioFile);
        if (loaded instanceof ScenarioError e) {
            err.println(e);
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        Scenario s = ((LoadResult.Loaded) loaded).scenario();
        long seed = RunFiles.readResult(dir).seed();
        Path again = Files.createTempDirectory("memtype-lab-replay");
        RunOutcome run;
        try (LabCluster cluster = LabCluster.embedded()) {
            run = new Conductor(cluster).run(s, seed, again, s.name() + "@" + seed);
        } catch (ClusterFormationException e) {
            err.println("the cluster did not form: " + e.getMessage());
            err.flush();
            return RunCommand.INCOMPLETE;
        }
        RunFiles.mergeHistory(again);
        Optional<HistoryDiff.Difference> diff = HistoryDiff.first(history, again.resolve("history.jsonl"));
        if (diff.isEmpty()) {
            out.println("identical (" + s.name() + ", seed " + seed + "; replay in " + again + ")");
        } else {
            HistoryDiff.Difference d = diff.get();
            out.println("differs at history line " + d.line() + " (replay in " + again + ")");
            out.println("  recorded: " + d.expected());
            out.println("  replayed: " + d.actual());
        }
        out.flush();
        if (!run.incomplete().isEmpty()) {
            err.println("the replay could not complete: " + run.incomplete());
            err.flush();
            return RunCommand.INCOMPLETE;
        }
        return diff.isEmpty() ? 0 : RunCommand.EXPECT_FAILED;
    }
}
