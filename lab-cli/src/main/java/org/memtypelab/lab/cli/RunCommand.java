package org.memtypelab.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.cluster.ClusterFormationException;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.lab.network.Isolation;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.run.IsolatedCluster;
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

/**
 * {@code run}: plays one or more scenarios on one warm cluster and writes, per scenario, result.json, traces, history
 * and report.html (SCENARIOS.md). Every scenario is loaded before anything starts, so a bad one stops all (exit 2).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run scenarios (files, folders of .yaml files, or bundled names from `catalogue`) on one Pekko"
                + " cluster of the nodes. Exit code: the worst of the runs.")
final class RunCommand implements Callable<Integer> {

    /** Exit codes of SCENARIOS.md. */
    static final int EXPECT_FAILED = 1;

    static final int INCOMPLETE = 3;

    /** {@code embedded|processes|sim}. */
    enum Nodes {
        EMBEDDED,
        PROCESSES,
        SIM
    }

    /** A scenario to play: the loaded scenario and the exact text it came from. */
    record Target(String given, Scenario scenario, String text, Path file) {}

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            arity = "1..*",
            paramLabel = "SCENARIO",
            description = "A scenario file, a folder (every .yaml in it, sorted), or a bundled name.")
    List<String> scenarios;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Run directory (default runs/<timestamp>-<name>); with several scenarios, one"
                    + " sub-directory per scenario.")
    Path out;

    @Option(
            names = "--json",
            description = "Print result.json instead of the summary (with several scenarios: one document per line).")
    boolean json;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: the scenario's, else 1).")
    Long seed;

    @Option(
            names = "--nodes",
            paramLabel = "embedded|processes|sim",
            description = "Every node in this JVM over loopback Artery (default), one JVM per node, or the simulator:"
                    + " the same node actors run one task at a time in virtual time, deterministic and fast.")
    Nodes nodes = Nodes.EMBEDDED;

    @Option(
            names = "--join",
            paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class,
            description = "Join the cluster of nodes started elsewhere (`node NODE --bind ... --seed ...`) at this seed"
                    + " instead of starting one.")
    HostPort join;

    @Option(
            names = "--bind",
            paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class,
            description = "With --join: where this conductor listens and the nodes reach it (default 127.0.0.1:0).")
    HostPort bind;

    /** {@code shared|isolated}: the host's loopback, or a private network namespace with real network faults. */
    enum Network {
        SHARED,
        ISOLATED
    }

    @Option(
            names = "--network",
            paramLabel = "shared|isolated",
            description = "With --nodes processes: isolated plays in a private network namespace (root or user"
                    + " namespaces, nftables), each node on its own 127.0.0.N, partitions as real drop rules"
                    + " (default: shared).")
    Network network = Network.SHARED;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the runs as JUnit XML to FILE.")
    Path junit;

    @Option(
            names = "--watch",
            description = "Play the scenario file again on the same warm cluster whenever it is saved (Ctrl-C stops).")
    boolean watch;

    @Option(
            names = "--tls",
            paramLabel = "DIR",
            description = "Mutual TLS between the nodes with the keys `keygen DIR` made (default: plain TCP).")
    Path tls;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<Target> targets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Main.useTls(tls).ifPresent(p -> errors.add("memtype-lab run: " + p));
        for (String given : scenarios) {
            resolve(given, targets, errors);
        }
        if (join != null) {
            if (nodes != Nodes.EMBEDDED) {
                errors.add("memtype-lab run: --join plays on nodes started elsewhere; --nodes cannot go with it");
            }
            for (Target t : targets) {
                boolean killsOrRestarts = FaultPlan.of(t.scenario()).armed().stream()
                        .anyMatch(a -> a.action() instanceof FaultPlan.Kill
                                || a.action() instanceof FaultPlan.Restart
                                || a.action() instanceof FaultPlan.Pause);
                if (killsOrRestarts) {
                    errors.add(
                            "memtype-lab run: " + t.given() + " kills, restarts or pauses nodes, which a conductor that"
                                    + " joined (--join) cannot do to nodes on other hosts; play it with --nodes processes");
                }
            }
        } else if (bind != null) {
            errors.add("memtype-lab run: --bind goes with --join (a cluster this run starts listens on 127.0.0.1)");
        }
        errors.addAll(networkProblems(targets));
        if (watch && (targets.size() != 1 || targets.get(0).file() == null)) {
            errors.add("memtype-lab run: --watch needs exactly one scenario file (not a folder or a bundled name)");
        }
        if (!errors.isEmpty()) {
            errors.forEach(err::println);
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        if (network == Network.ISOLATED && !Isolation.inside()) {
            // the whole run, conductor included, plays again inside a namespace of its own
            return Isolation.relaunch(
                    Main.class, spec.commandLine().getParseResult().originalArgs());
        }
        List<Path> dirs = runDirs(targets);
        String mode = join != null ? "joined" : nodes.name().toLowerCase(Locale.ROOT);
        Path logDir = dirs.size() == 1 ? dirs.get(0) : base(targets);
        Files.createDirectories(logDir);
        ClusterLog.into(logDir);
        if (nodes == Nodes.PROCESSES) {
            err.println(
                    "memtype-lab: starting one JVM per node and forming their cluster (node logs in " + logDir + ")");
            err.flush();
        }
        Waits waits = new Waits();
        List<Played> played = new ArrayList<>();
        try (WaitNotes notes = WaitNotes.watch(waits, err);
                LabCluster cluster = cluster(logDir, waits)) {
            Conductor conductor = new Conductor(cluster, waits);
            for (int i = 0; i < targets.size(); i++) {
                played.add(play(targets.get(i), dirs.get(i), conductor, mode, targets.size() > 1));
            }
            if (watch) {
                writeJUnit(played);
                return new Watch(this, played.get(0), conductor, mode).loop();
            }
        } catch (ClusterFormationException e) {
            String why = "the cluster did not form: " + e.getMessage();
            for (int i = played.size(); i < targets.size(); i++) {
                Path dir = dirs.get(i);
                played.add(finish(targets.get(i), dir, RunOutcome.failedToStart(why), mode, targets.size() > 1));
            }
        }
        writeJUnit(played);
        return played.stream().mapToInt(Played::exit).max().orElse(0);
    }

    /** The cluster the runs play on: joined at {@code --join}, or started here (embedded or one JVM per node). */
    private LabCluster cluster(Path logDir, Waits waits) {
        if (network == Network.ISOLATED) {
            return IsolatedCluster.start(logDir, waits);
        }
        if (join != null) {
            return LabCluster.joined(
                    join.toString(), bind != null ? bind.host() : "127.0.0.1", bind != null ? bind.port() : 0, waits);
        }
        return switch (nodes) {
            case EMBEDDED -> LabCluster.embedded(waits);
            case PROCESSES -> LabCluster.processes(logDir, waits);
            case SIM -> LabCluster.sim();
        };
    }

    /** One finished run: its result, directory and exit code. */
    record Played(Target target, RunResult result, Path dir, int exit) {}

    /** Plays {@code t} into {@code dir} on the warm cluster and prints its summary. */
    Played play(Target t, Path dir, Conductor conductor, String mode, boolean several) throws IOException {
        long runSeed = seed != null ? seed : t.scenario().seed();
        Files.createDirectories(dir);
        // the run directory keeps the exact scenario it played, for `replay`
        Files.writeString(dir.resolve("scenario.yaml"), t.text());
        RunOutcome run = conductor.run(t.scenario(), runSeed, dir, t.scenario().name() + "@" + runSeed);
        return finish(t, dir, run, mode, several);
    }

    private Played finish(Target t, Path dir, RunOutcome run, String mode, boolean several) throws IOException {
        long runSeed = seed != null ? seed : t.scenario().seed();
        Files.createDirectories(dir);
        RunResult result = RunPipeline.finish(t.scenario(), runSeed, mode, run, dir, RunPipeline.Expect.CHECK, null);
        org.memtypelab.lab.report.HtmlReport.writeRun(dir); // SCENARIOS.md: --out DIR receives report.html
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.print((several || watch
                            ? Documents.JSON.writeValueAsString(result)
                            : Documents.PRETTY.writeValueAsString(result))
                    + "\n");
        } else {
            if (several) {
                o.println();
            }
            o.print(Summary.render(result, dir.toString()));
        }
        o.flush();
        int exit = !run.incomplete().isEmpty() ? INCOMPLETE : result.expect().heldAll() ? 0 : EXPECT_FAILED;
        return new Played(t, result, dir, exit);
    }

    /** Loads what the user named into {@code targets}, or says why not into {@code errors}. */
    static void resolve(String given, List<Target> targets, List<String> errors) {
        Path path = pathOf(given);
        if (path != null && Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(path)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> {
                            String n = p.getFileName().toString();
                            return n.endsWith(".yaml") || n.endsWith(".yml");
                        })
                        .sorted()
                        .toList();
            } catch (IOException e) {
                errors.add(given + ": cannot read the folder: " + e.getMessage());
                return;
            }
            if (files.isEmpty()) {
                errors.add(given + ": the folder holds no .yaml scenario files");
            }
            files.forEach(f -> resolve(f.toString(), targets, errors));
            return;
        }
        LoadResult loaded = ScenarioCatalogue.bundled().resolve(given);
        if (loaded instanceof ScenarioError error) {
            errors.add(error.toString());
            return;
        }
        Scenario s = ((LoadResult.Loaded) loaded).scenario();
        String text = ScenarioCatalogue.bundled().text(given).orElseThrow();
        Path file = path != null && Files.isRegularFile(path) ? path : null;
        targets.add(new Target(given, s, text, file));
    }

    /** One directory per target: {@code --out} itself for one, sub-directories of it (or of runs/) for several. */
    private List<Path> runDirs(List<Target> targets) {
        if (targets.size() == 1 && !watch) {
            return List.of(
                    out != null ? out : defaultDir(targets.get(0).scenario().name()));
        }
        Path base = base(targets);
        Set<String> taken = new HashSet<>();
        List<Path> dirs = new ArrayList<>();
        for (Target t : targets) {
            String name = slug(t.scenario().name());
            String unique = name;
            for (int n = 2; !taken.add(unique); n++) {
                unique = name + "-" + n;
            }
            dirs.add(base.resolve(watch ? unique + "/1" : unique));
        }
        return dirs;
    }

    private Path base(List<Target> targets) {
        if (out != null) {
            return out;
        }
        return targets.size() == 1 ? defaultDir(targets.get(0).scenario().name()) : defaultDir("runs");
    }

    void writeJUnit(List<Played> played) throws IOException {
        if (junit != null) {
            JUnitXml.writeRuns(junit, "memtype-lab run", played);
        }
    }

    static String slug(String name) {
        return name.replace('/', '-');
    }

    static Path defaultDir(String name) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", stamp + "-" + slug(name));
    }

    private static Path pathOf(String text) {
        try {
            return Path.of(text);
        } catch (RuntimeException e) {
            return null; // not a valid path on this platform; may still be a bundled name
        }
    }

    /**
     * Why {@code command --network isolated} cannot play here, in plain words (exit 2): it needs one JVM per node
     * ({@code processes}), and a private network namespace with nftables unless this JVM already runs in one.
     */
    static Optional<String> isolationProblem(String command, boolean processes) {
        if (!processes) {
            return Optional.of("memtype-lab " + command + ": --network isolated needs --nodes processes (the node JVMs"
                    + " and this conductor move into a private network namespace)");
        }
        return Isolation.inside()
                ? Optional.empty()
                : Isolation.problem().map(p -> "memtype-lab " + command + ": " + p);
    }

    /** What keeps {@code --network} from playing {@code targets}, in plain words (exit 2). */
    private List<String> networkProblems(List<Target> targets) {
        List<String> problems = new ArrayList<>();
        if (network == Network.ISOLATED) {
            isolationProblem("run", nodes == Nodes.PROCESSES && join == null).ifPresent(problems::add);
            return problems;
        }
        for (Target t : targets) {
            FaultPlan.of(t.scenario())
                    .needsNetwork()
                    .ifPresent(p -> problems.add("memtype-lab run: " + t.given() + ": " + p));
        }
        return problems;
    }
}
