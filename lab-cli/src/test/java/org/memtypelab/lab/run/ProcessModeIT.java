package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.lab.cli.Main;

/**
 * {@code run --nodes processes} gives the same result as the default embedded mode (SCENARIOS.md "Commands": "Results
 * must be identical"). Each scenario runs through the real CLI twice in this JVM: once embedded, once with one JVM per
 * node launched by {@link org.memtypelab.lab.cluster.ProcessCluster} from this test classpath. Runs under failsafe
 * ({@code mvn verify}), which sets the property; elsewhere pass it with {@code -D}.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
class ProcessModeIT {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Every node that writes a trace in a run; the monitor keeps no trace of its own. */
    private static final List<String> TRACED =
            List.of("kvm-node", "qemu-node", "gpu-process-node", "migration-node", "conductor");

    /** The JVMs process mode starts: every role but the conductor, which joins from the CLI's JVM. */
    private static final List<String> NODE_JVMS =
            List.of("kvm-node", "qemu-node", "gpu-process-node", "migration-node", "monitor");

    @TempDir
    Path runs;

    @ParameterizedTest(name = "{0}")
    // option-0 and more play on a warm process cluster in the six-scenario test below
    @ValueSource(strings = {"thread/option-6-dma-excludes-dirty-log"})
    @Timeout(value = 4, unit = TimeUnit.MINUTES) // a hung cluster must fail the build, not stall it
    void processesModeGivesTheSameResultAsEmbedded(String scenario) throws Exception {
        assertThat(liveDescendants()).as("child processes before the runs").isEmpty();
        Path embedded = runs.resolve("embedded");
        Path processes = runs.resolve("processes");

        Cli a = run(scenario, embedded);
        Cli b = run(scenario, processes, "--nodes", "processes");
        System.out.printf(
                "ProcessModeIT %s: embedded %d ms (run %s ms), processes %d ms (run %s ms)%n",
                scenario,
                a.millis(),
                a.result().path("wall_ms"),
                b.millis(),
                b.result().path("wall_ms"));

        // no child JVM outlives the run, and process mode really started one per node
        assertThat(liveDescendants()).as("child processes after the runs").isEmpty();
        for (String node : NODE_JVMS) {
            assertThat(processes.resolve(node + ".log"))
                    .as("stderr log of the %s JVM", node)
                    .exists();
        }

        assertThat(a.code()).as("embedded exit code; stderr:%n%s", a.err()).isZero();
        assertThat(b.code()).as("processes exit code; stderr:%n%s", b.err()).isZero();
        assertThat(a.result().path("nodes").asText()).isEqualTo("embedded");
        assertThat(b.result().path("nodes").asText()).isEqualTo("processes");
        for (Cli c : List.of(a, b)) {
            assertThat(c.result().path("scenario").asText()).isEqualTo(scenario);
            assertThat(c.result().path("complete").asBoolean()).as("complete").isTrue();
            assertThat(c.result().path("wall_ms").isIntegralNumber())
                    .as("wall_ms")
                    .isTrue();
            assertThat(c.result().path("steps")).isNotEmpty();
        }
        if (scenario.endsWith("option-6-dma-excludes-dirty-log")) {
            assertThat(b.result().path("migration").path("status").asText()).isEqualTo("completed");
        }

        // Only two fields may differ. Everything else, including every step's node and detail (measured: the
        // details name slots, addresses and types, never a port, pid, path or time), must be equal.
        assertThat(comparable(b.result()))
                .as("result.json of processes vs embedded, without nodes and wall_ms")
                .isEqualTo(comparable(a.result()));

        Map<String, List<JsonNode>> tracesA = checkTracesAndHistory(embedded);
        Map<String, List<JsonNode>> tracesB = checkTracesAndHistory(processes);
        // The runs are driven step by step (request/response), so each node records the same lines with the same
        // Lamport clocks in both modes; only the wall-clock stamp of each line differs.
        for (String node : TRACED) {
            assertThat(withoutWall(tracesB.get(node)))
                    .as("trace of %s in processes vs embedded, without wall", node)
                    .isEqualTo(withoutWall(tracesA.get(node)));
        }
    }

    /** Fault-free and faulty scenarios: message faults, a kill and restart, a migration. */
    static final List<String> WARM = List.of(
            "thread/option-0-status-quo",
            "thread/option-6-dma-excludes-dirty-log",
            "kernel/6-11-rc-self-snoop",
            "faults/late-reply",
            "faults/duplicated-and-reordered",
            "faults/gpu-process-restart");

    /**
     * The simulator's differential test against real JVMs: six scenarios on one warm process cluster and in sim give
     * the same result.json, apart from the mode and the wall time; for a faulty scenario, whose message order depends
     * on real timing, the same verdict, hazards, migration and injected faults.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void sixScenariosOnOneWarmProcessClusterGiveWhatTheSimulatorGives() throws Exception {
        List<JsonNode> processes = runAll(runs.resolve("processes"), "--nodes", "processes");
        List<JsonNode> sim = runAll(runs.resolve("sim"), "--nodes", "sim");
        for (int i = 0; i < WARM.size(); i++) {
            JsonNode p = processes.get(i);
            JsonNode s = sim.get(i);
            assertThat(p.path("nodes").asText()).isEqualTo("processes");
            assertThat(s.path("nodes").asText()).isEqualTo("sim");
            assertThat(p.path("complete").asBoolean())
                    .as(WARM.get(i) + " complete in processes")
                    .isTrue();
            ObjectNode a = (ObjectNode) JSON.readTree(comparable(p));
            ObjectNode b = (ObjectNode) JSON.readTree(comparable(s));
            if (WARM.get(i).startsWith("faults/")) {
                List<String> kept = List.of("scenario", "verdict", "hazards", "migration", "faults", "complete");
                a.retain(kept);
                b.retain(kept);
            }
            assertThat(JSON.writeValueAsString(b))
                    .as("result.json of %s in sim vs processes", WARM.get(i))
                    .isEqualTo(JSON.writeValueAsString(a));
        }
        assertThat(liveDescendants()).as("child processes after the runs").isEmpty();
    }

    /** {@code run} of every {@link #WARM} scenario on one cluster; one result.json per line of stdout, in order. */
    private static List<JsonNode> runAll(Path dir, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(WARM);
        args.addAll(List.of("--out", dir.toString(), "--json"));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        assertThat(code).as("exit code of %s; stderr:%n%s", args, err).isZero();
        List<JsonNode> results = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (!line.isBlank()) {
                results.add(JSON.readTree(line));
            }
        }
        assertThat(results).as("one result per scenario").hasSize(WARM.size());
        return results;
    }

    /** The outcome of one {@code memtype-lab run SCENARIO --out DIR --json ...} in this JVM. */
    private record Cli(int code, String out, String err, JsonNode result, long millis) {}

    private static Cli run(String scenario, Path dir, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", scenario, "--out", dir.toString(), "--json"));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(dir.resolve("result.json"))
                .as("%s wrote result.json; stderr:%n%s", args, err)
                .exists();
        JsonNode result = JSON.readTree(dir.resolve("result.json").toFile());
        // --json prints the same document that result.json holds
        assertThat(JSON.readTree(out.toString())).as("stdout of %s", args).isEqualTo(result);
        return new Cli(code, out.toString(), err.toString(), result, millis);
    }

    /**
     * result.json without the fields that legitimately differ between modes, pretty-printed so a failure shows a
     * readable diff. {@code nodes} names the mode ("embedded" vs "processes"); {@code wall_ms} is elapsed time. Both
     * are checked separately above. Nothing else is removed.
     */
    private static String comparable(JsonNode result) throws IOException {
        ObjectNode copy = result.deepCopy();
        copy.remove(List.of("nodes", "wall_ms"));
        return JSON.writeValueAsString(copy);
    }

    private static List<JsonNode> withoutWall(List<JsonNode> lines) {
        return lines.stream()
                .map(l -> (JsonNode) ((ObjectNode) l.deepCopy()).without("wall"))
                .toList();
    }

    /**
     * Every trace line is a JSON object of its file's node, numbered 1, 2, 3, ... per incarnation; history.jsonl holds
     * exactly the trace lines, sorted by Lamport clock (ties by node, incarnation, line), and keeps each node's order.
     *
     * @return each node's trace lines
     */
    private static Map<String, List<JsonNode>> checkTracesAndHistory(Path dir) throws IOException {
        Map<String, List<JsonNode>> traces = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        for (String node : TRACED) {
            Path file = dir.resolve("trace-" + node + ".jsonl");
            assertThat(file).exists();
            List<JsonNode> lines = parse(file);
            assertThat(lines).as("%s", file).isNotEmpty();
            assertThat(lines)
                    .as("%s: node field", file)
                    .allSatisfy(l -> assertThat(l.path("node").asText()).isEqualTo(node));
            assertContiguousPerIncarnation(file, lines);
            traces.put(node, lines);
            lines.forEach(l -> all.add(l.toString()));
        }
        Path history = dir.resolve("history.jsonl");
        assertThat(history).exists();
        List<JsonNode> merged = parse(history);
        assertThat(merged.stream().map(JsonNode::toString).sorted().toList())
                .as("%s holds exactly the trace lines", history)
                .isEqualTo(all.stream().sorted().toList());
        assertThat(merged)
                .as("%s sorted by Lamport clock, then node, incarnation, line", history)
                .isSortedAccordingTo(Comparator.<JsonNode>comparingLong(
                                n -> n.path("lamport").asLong())
                        .thenComparing(n -> n.path("node").asText())
                        .thenComparingLong(n -> n.path("incarnation").asLong())
                        .thenComparingLong(n -> n.path("line").asLong()));
        for (String node : TRACED) {
            List<JsonNode> own = merged.stream()
                    .filter(l -> l.path("node").asText().equals(node))
                    .toList();
            // a node's Lamport clock never goes back, so merging by clock keeps its lines in their own order
            assertContiguousPerIncarnation(history, own);
        }
        return traces;
    }

    private static void assertContiguousPerIncarnation(Path file, List<JsonNode> lines) {
        Map<Long, List<Long>> numbers = new LinkedHashMap<>();
        for (JsonNode l : lines) {
            assertThat(l.path("incarnation").isIntegralNumber())
                    .as("%s: incarnation of %s", file, l)
                    .isTrue();
            assertThat(l.path("line").isIntegralNumber())
                    .as("%s: line of %s", file, l)
                    .isTrue();
            assertThat(l.path("lamport").isIntegralNumber())
                    .as("%s: lamport of %s", file, l)
                    .isTrue();
            numbers.computeIfAbsent(l.path("incarnation").asLong(), k -> new ArrayList<>())
                    .add(l.path("line").asLong());
        }
        numbers.forEach((incarnation, got) -> {
            List<Long> want = new ArrayList<>();
            for (long i = 1; i <= got.size(); i++) {
                want.add(i);
            }
            assertThat(got)
                    .as(
                            "%s: line numbers of %s incarnation %d",
                            file, lines.get(0).path("node"), incarnation)
                    .isEqualTo(want);
        });
    }

    private static List<JsonNode> parse(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            JsonNode json;
            try {
                json = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(file + ":" + n + " is not JSON: " + line, e);
            }
            assertThat(json != null && json.isObject())
                    .as("%s:%d is a JSON object: %s", file, n, line)
                    .isTrue();
            out.add(json);
        }
        return out;
    }

    /** Live descendants of this JVM as "pid command args", so a failure names the orphan. */
    private static List<String> liveDescendants() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
    }
}
