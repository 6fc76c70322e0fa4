package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.cluster.ClusterFormationException;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run}: plays a scenario on a real cluster and writes result.json, traces and history (SCENARIOS.md). */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a scenario (a file, or a bundled name from `catalogue`) on a Pekko cluster of the nodes.")
final class RunCommand implements Callable<Integer> {

    /** Exit codes of SCENARIOS.md. */
    static final int EXPECT_FAILED = 1;

    static final int INCOMPLETE = 3;

    /** {@code embedded|processes}. */
    enum Nodes {
        EMBEDDED,
        PROCESSES
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "A scenario file, or a bundled name.")
    String scenario;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default runs/<timestamp>-<name>).")
    Path out;

    @Option(names = "--json", description = "Print result.json instead of the summary.")
    boolean json;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: the scenario's, else 1).")
    Long seed;

    @Option(names = "--nodes", paramLabel = "embedded|processes", description = "One JVM (default) or one per node.")
    Nodes nodes = Nodes.EMBEDDED;

    @Override
    public Integer call() throws Exception {
        LoadResult loaded = ScenarioCatalogue.bundled().resolve(scenario);
        if (loaded instanceof ScenarioError error) {
            spec.commandLine().getErr().println(error);
            spec.commandLine().getErr().flush();
            return Main.EXIT_BAD_INPUT;
        }
        Scenario s = ((LoadResult.Loaded) loaded).scenario();
        long runSeed = seed != null ? seed : s.seed();
        Path dir = out != null ? out : defaultDir(s.name());
        Files.createDirectories(dir);
        ClusterLog.into(dir);
        // the run directory keeps the exact scenario it played, for `replay`
        Files.writeString(
                dir.resolve("scenario.yaml"),
                ScenarioCatalogue.bundled().text(scenario).orElseThrow());
        RunOutcome run;
        String mode = nodes.name().toLowerCase(java.util.Locale.ROOT);
        PrintWriter err = spec.commandLine().getErr();
        if (nodes == Nodes.PROCESSES) {
            err.println("memtype-lab: starting one JVM per node and forming their cluster (node logs in " + dir + ")");
            err.flush();
        }
        Waits waits = new Waits();
        try (WaitNotes notes = WaitNotes.watch(waits, err);
                LabCluster cluster =
                        nodes == Nodes.EMBEDDED ? LabCluster.embedded(waits) : LabCluster.processes(dir, waits)) {
            run = new Conductor(cluster, waits).run(s, runSeed, dir, s.name() + "@" + runSeed);
        } catch (ClusterFormationException e) {
            run = RunOutcome.failedToStart("the cluster did not form: " + e.getMessage());
        }
        return finish(s, runSeed, mode, run, dir);
    }

    private int finish(Scenario s, long runSeed, String mode, RunOutcome run, Path dir) throws Exception {
        RunResult result = RunPipeline.finish(s, runSeed, mode, run, dir, RunPipeline.Expect.CHECK, null);
        org.memtypelab.lab.report.HtmlReport.writeRun(dir); // SCENARIOS.md: --out DIR receives report.html
        PrintWriter o = spec.commandLine().getOut();
        o.print(json ? Documents.PRETTY.writeValueAsString(result) + "\n" : Summary.render(result, dir.toString()));
        o.flush();
        if (!run.incomplete().isEmpty()) {
            return INCOMPLETE;
        }
        return result.expect().heldAll() ? 0 : EXPECT_FAILED;
    }

    private static Path defaultDir(String name) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", stamp + "-" + name.replace('/', '-'));
    }
}
