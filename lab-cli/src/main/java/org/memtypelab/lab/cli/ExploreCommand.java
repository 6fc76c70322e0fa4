package org.memtypelab.lab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.lab.explore.Explorer;
import org.memtypelab.lab.explore.Placements;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioLoader;
import org.memtypelab.lab.sim.SimCluster;
import org.memtypelab.protocol.node.MessageRule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code explore}: every fault placement and the delivery orders around it, in the simulator (docs/explore.md). */
@Command(
        name = "explore",
        mixinStandardHelpOptions = true,
        description = "Explore a scenario in the simulator: every placement of up to K faults (drop, duplicate, reorder"
                + " of each step's first message between two nodes; a crash and restart of a node at each step) and"
                + " the delivery orders with up to P departures from the oldest-first order, each checked against"
                + " the monitor's guarantees. Exit 0: no violation; 1: violations (written under --out); 2: bad input.")
final class ExploreCommand implements Callable<Integer> {

    static final int MAX_FAULTS = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            arity = "0..1",
            paramLabel = "SCENARIO",
            description = "A scenario file or a bundled name (its own faults are replaced by the placements).")
    String scenario;

    @Option(names = "--max-faults", paramLabel = "K", description = "Faults per schedule, 0 to 3 (default 1).")
    int maxFaults = 1;

    @Option(
            names = "--preemptions",
            paramLabel = "P",
            description = "Departures from the oldest-first delivery order per schedule, 0 to 3 (default 1).")
    int preemptions = 1;

    @Option(
            names = "--fault-preemptions",
            paramLabel = "Q",
            description = "The same for each fault placement, 0 to 3 (default 0: each placement in the oldest-first"
                    + " order; placements x orders grow fast).")
    int faultPreemptions = 0;

    @Option(
            names = "--schedules",
            paramLabel = "N",
            description = "At most N delivery orders per fault placement (default 200).")
    int schedules = 200;

    @Option(
            names = "--cap",
            paramLabel = "SECONDS",
            description = "Start no new schedule after this long (default 600); the output says when it capped.")
    long capSeconds = 600;

    @Option(names = "--json", description = "Print one JSON object instead of the summary.")
    boolean json;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where violations are written (default runs/<timestamp>-explore-<name>, only if any).")
    Path out;

    @Option(
            names = "--replay",
            paramLabel = "FILE",
            description = "Play a violation's schedule (violation-N.json) again and say whether it still breaks.")
    Path replay;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        if (maxFaults < 0 || maxFaults > MAX_FAULTS) {
            problems.add("--max-faults must be 0 to " + MAX_FAULTS + ", got " + maxFaults);
        }
        if (preemptions < 0 || preemptions > 3) {
            problems.add("--preemptions must be 0 to 3, got " + preemptions);
        }
        if (faultPreemptions < 0 || faultPreemptions > 3) {
            problems.add("--fault-preemptions must be 0 to 3, got " + faultPreemptions);
        }
        if (schedules < 1) {
            problems.add("--schedules must be at least 1, got " + schedules);
        }
        if (capSeconds < 1) {
            problems.add("--cap must be at least 1 second, got " + capSeconds);
        }
        if ((scenario == null) == (replay == null)) {
            problems.add("name a SCENARIO to explore, or --replay FILE (not both)");
        }
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            problems.add("--out " + out + " is a file; give a directory");
        }
        if (replay != null && !Files.isRegularFile(replay)) {
            problems.add("--replay " + replay + ": no such file");
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("memtype-lab explore: " + p));
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        return replay != null ? replay(o, err) : explore(o, err);
    }

    private int explore(PrintWriter o, PrintWriter err) throws IOException {
        List<RunCommand.Target> targets = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        RunCommand.resolve(scenario, targets, errors);
        if (!errors.isEmpty() || targets.size() != 1) {
            errors.forEach(err::println);
            if (errors.isEmpty()) {
                err.println("memtype-lab explore: name one scenario, not a folder");
            }
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        RunCommand.Target t = targets.get(0);
        Path work = Files.createTempDirectory("memtype-lab-explore-");
        ClusterLog.into(work);
        Explorer.Report r;
        try (SimCluster sim = SimCluster.start()) {
            r = new Explorer(sim, work)
                    .explore(
                            t.scenario(),
                            new Explorer.Options(
                                    maxFaults,
                                    preemptions,
                                    faultPreemptions,
                                    schedules,
                                    Duration.ofSeconds(capSeconds)));
        } finally {
            RunFiles.deleteTree(work);
        }
        List<Path> files = r.violations().isEmpty() ? List.of() : write(t, r);
        o.print(json ? json(r, files) : summary(r, files));
        o.flush();
        return r.violations().isEmpty() ? 0 : RunCommand.EXPECT_FAILED;
    }

    /** violation-N.json (the schedule) for each violation, and violation-N.yaml where the faults alone reproduce it. */
    private List<Path> write(RunCommand.Target t, Explorer.Report r) throws IOException {
        Path dir = out != null
                ? out
                : Path.of(
                        "runs",
                        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-explore-"
                                + t.scenario().name().replace('/', '-'));
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        int n = 0;
        for (Explorer.Violation v : r.violations()) {
            n++;
            ObjectNode doc = Documents.JSON.createObjectNode();
            doc.put("scenario", t.scenario().name());
            doc.put("description", v.description());
            doc.put("faults", v.faultsDescribed());
            ArrayNode placements = doc.putArray("placements");
            v.placements().forEach(placements::add);
            ArrayNode choices = doc.putArray("choices");
            v.choices().forEach(choices::add);
            doc.put("scenario_yaml", t.text());
            Path file = dir.resolve("violation-" + n + ".json");
            Files.writeString(
                    file,
                    Documents.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc),
                    StandardCharsets.UTF_8);
            files.add(file);
            if (v.choices().stream().allMatch(c -> c == 0)) {
                Files.writeString(
                        dir.resolve("violation-" + n + ".yaml"), withFaults(t.text(), v), StandardCharsets.UTF_8);
            }
        }
        return files;
    }

    /** The scenario with the violation's faults instead of its own, for {@code run} in any mode. */
    static String withFaults(String text, Explorer.Violation v) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode root = (ObjectNode) yaml.readTree(text);
        root.remove("expect");
        ArrayNode faults = root.putArray("faults");
        for (Placements.Placement p : v.faults()) {
            for (FaultPlan.Armed a : p.armed()) {
                ObjectNode f = faults.addObject();
                f.put("step", a.step());
                if (a.action() instanceof FaultPlan.Messages m) {
                    for (MessageRule rule : m.rules()) {
                        f.putObject(rule.action().label())
                                .put("from", rule.from())
                                .put("to", rule.to())
                                .put("count", rule.count());
                    }
                } else if (a.action() instanceof FaultPlan.Kill k) {
                    f.put("kill", k.node().label());
                } else if (a.action() instanceof FaultPlan.Restart rs) {
                    f.put("restart", rs.node().label());
                }
            }
        }
        return "# found by memtype-lab explore: " + v.description() + "\n" + yaml.writeValueAsString(root);
    }

    private int replay(PrintWriter o, PrintWriter err) throws IOException {
        JsonNode doc;
        try {
            doc = Documents.JSON.readTree(replay.toFile());
        } catch (IOException e) {
            err.println("memtype-lab explore: --replay " + replay + " is not a violation file: " + e.getMessage());
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        if (!doc.path("scenario_yaml").isTextual()
                || !doc.path("choices").isArray()
                || !doc.path("placements").isArray()) {
            err.println("memtype-lab explore: --replay " + replay
                    + " lacks scenario_yaml, placements or choices; give a violation-N.json that explore wrote");
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        LoadResult loaded =
                ScenarioLoader.load(replay.toString(), doc.get("scenario_yaml").asText());
        if (!(loaded instanceof LoadResult.Loaded l)) {
            err.println(loaded);
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        Scenario s = l.scenario();
        Path work = Files.createTempDirectory("memtype-lab-explore-");
        ClusterLog.into(work);
        String outcome;
        try (SimCluster sim = SimCluster.start()) {
            Explorer explorer = new Explorer(sim, work);
            List<Placements.Placement> all = explorer.placements(s);
            List<Placements.Placement> faults = new ArrayList<>();
            for (JsonNode i : doc.get("placements")) {
                if (!i.canConvertToInt() || i.asInt() < 0 || i.asInt() >= all.size()) {
                    err.println("memtype-lab explore: --replay " + replay + ": placement " + i + " is not one of 0.."
                            + (all.size() - 1));
                    err.flush();
                    return Main.EXIT_BAD_INPUT;
                }
                faults.add(all.get(i.asInt()));
            }
            List<Integer> choices = new ArrayList<>();
            doc.get("choices").forEach(c -> choices.add(c.asInt()));
            outcome = explorer.replay(s, faults, choices);
        } finally {
            RunFiles.deleteTree(work);
        }
        boolean holds = outcome.equals("holds");
        o.println(holds ? "holds now: the schedule no longer breaks a guarantee" : "reproduced: " + outcome);
        o.flush();
        return holds ? 0 : RunCommand.EXPECT_FAILED;
    }

    private static String summary(Explorer.Report r, List<Path> files) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("explore    %s%n", r.scenario()));
        b.append(String.format(
                "states     %d schedules, %d distinct histories, max depth %d choice points, %d ms%s%n",
                r.states(),
                r.distinct(),
                r.maxDepth(),
                r.ms(),
                r.capped() ? " (capped: raise --schedules or --cap)" : ""));
        b.append(String.format("plans      %d fault placements played%n", r.plans()));
        if (r.explained() > 0) {
            b.append(String.format(
                    "explained  %d schedules where a crash changed what the nodes acted on (a new incarnation starts"
                            + " empty)%n",
                    r.explained()));
        }
        if (r.violations().isEmpty()) {
            b.append("violations none\n");
        } else {
            b.append(String.format("violations %d%n", r.violations().size()));
            for (int i = 0; i < r.violations().size(); i++) {
                Explorer.Violation v = r.violations().get(i);
                b.append(String.format("  %s: %s (%s)%n", files.get(i), v.description(), v.faultsDescribed()));
            }
        }
        return b.toString();
    }

    private static String json(Explorer.Report r, List<Path> files) throws IOException {
        ObjectNode doc = Documents.JSON.createObjectNode();
        doc.put("scenario", r.scenario());
        doc.put("states", r.states());
        doc.put("distinct", r.distinct());
        doc.put("max_depth", r.maxDepth());
        doc.put("ms", r.ms());
        doc.put("plans", r.plans());
        doc.put("explained", r.explained());
        doc.put("capped", r.capped());
        ArrayNode vs = doc.putArray("violations");
        for (int i = 0; i < r.violations().size(); i++) {
            vs.addObject()
                    .put("file", files.get(i).toString())
                    .put("description", r.violations().get(i).description());
        }
        return Documents.JSON.writeValueAsString(doc) + "\n";
    }
}
