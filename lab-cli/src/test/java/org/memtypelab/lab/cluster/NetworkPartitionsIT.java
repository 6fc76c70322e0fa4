package org.memtypelab.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.documents.CampaignFiles;
import org.memtypelab.documents.CampaignSummary;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.campaign.Campaign;
import org.memtypelab.lab.campaign.CampaignLoad;
import org.memtypelab.lab.campaign.CampaignLoader;
import org.memtypelab.lab.campaign.CampaignRunner;
import org.memtypelab.lab.campaign.Progress;
import org.memtypelab.lab.network.Isolation;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.IsolatedCluster;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.protocol.NodeRole;

/**
 * Real network faults: every partition shape, one scenario each, and then a tiny campaign with random partitions, on
 * one warm cluster of real JVMs in a private network namespace with real nftables rules - what {@code run} and {@code
 * campaign --nodes processes --network isolated} play on. Each run ends with the oracle's hazards or with exit 3
 * naming the node it lost; at least one completes; the monitor's node, downed by the Split Brain Resolver, ends its
 * run naming it; the campaign misses and invents no hazard. Where the namespace cannot be made the test is skipped and
 * says why, unless MEMTYPE_LAB_REQUIRE_ENV=1 (CI).
 *
 * <p>The cluster lives in a JVM re-launched inside the namespace ({@link Isolation#relaunch}, as the commands do):
 * {@link Inside} forms it once and plays the shapes as {@code run} does (conductor, then {@link RunPipeline}) and the
 * campaign through {@link CampaignRunner}; this JVM reads what they wrote.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
class NetworkPartitionsIT {

    /** The faults of each scenario, by its name; every one plays option 0 (two hazards) and heals. */
    private static final Map<String, String> SHAPES = new LinkedHashMap<>();

    static {
        // healed after a few hundred milliseconds: TCP resends, nothing is lost, the run completes
        SHAPES.put("groups", """
                  - {at: guest-map, partition: [[kvm-node], [monitor]]}
                  - {at: gpu-read, heal: {}}
                """);
        SHAPES.put("loss", """
                  - {at: guest-map, loss: {from: kvm-node, to: monitor, percent: 30}}
                  - {at: gpu-read, heal: {}}
                """);
        // held past the failure detector (5 s) and the resolver's stable-after (2 s): the monitor alone is downed
        SHAPES.put("isolate", """
                  - {at: guest-write, partition: {isolate: monitor, ms: 9000}}
                  - {at: guest-write, heal: {}}
                """);
        SHAPES.put("minority", """
                  - {at: guest-write, partition: {minority: [gpu-process-node, migration-node], ms: 9000}}
                  - {at: guest-write, heal: {}}
                """);
        // held just past the failure detector's pause (~5.7 s) and healed before TCP's next resend (6.2 s):
        // unreachable,
        // then reachable again - or downed, as these are no clean splits
        SHAPES.put("one-way", """
                  - {at: guest-write, partition: {one-way: {from: kvm-node, to: monitor}, ms: 6000}}
                  - {at: guest-write, heal: {}}
                """);
        SHAPES.put("ring", """
                  - {at: guest-write, partition: {ring: [kvm-node, qemu-node, gpu-process-node, migration-node, monitor], ms: 6000}}
                  - {at: guest-write, heal: {}}
                """);
        SHAPES.put("bridge", """
                  - {at: guest-write, partition: {bridge: qemu-node, ms: 6000}}
                  - {at: guest-write, heal: {}}
                """);
    }

    @TempDir
    static Path tmp;

    /**
     * One cell, its oracle and two faulty runs, each with one random partition of the nodes and the monitor in two
     * groups. Seed 7: r1 cuts {gpu-process-node, kvm-node} off at step 2 and would heal at step 4, but export (step 2)
     * waits on a cut link and the run ends incomplete (so it does on a simulated cluster); r2 cuts and heals at step 2.
     */
    static final String CAMPAIGN = """
            name: network-partitions
            base: base.yaml
            seed: 7
            faults: {random: {partitions: 1}, runs-per-cell: 2}
            """;

    static Optional<String> noNamespace;
    static int exit;
    static Map<String, RunResult> results = new LinkedHashMap<>();
    static CampaignSummary campaign;
    static Map<String, RunResult> campaignRuns = new LinkedHashMap<>();

    @BeforeAll
    static void playEveryShapeOnOneIsolatedCluster() throws Exception {
        noNamespace = Isolation.problem();
        if (noNamespace.isPresent()) {
            if ("1".equals(System.getenv("MEMTYPE_LAB_REQUIRE_ENV"))) {
                Assertions.fail(noNamespace.get() + " - MEMTYPE_LAB_REQUIRE_ENV=1 requires it");
            }
            return; // each test reports the skip and why
        }
        Path scenarios = Files.createDirectories(tmp.resolve("shapes"));
        int i = 1;
        for (var shape : SHAPES.entrySet()) {
            Files.writeString(scenarios.resolve(String.format("%02d-%s.yaml", i++, shape.getKey())), scenario(shape));
        }
        Path specDir = Files.createDirectories(tmp.resolve("spec"));
        // the shapes' scenario without faults: the campaign adds its own
        Files.writeString(
                specDir.resolve("base.yaml"), scenario(Map.entry("base", "")).replace("faults:\n", ""));
        Files.writeString(specDir.resolve("campaign.yaml"), CAMPAIGN);
        Path out = tmp.resolve("runs");
        Path campaignDir = tmp.resolve("campaign");
        long start = System.nanoTime();
        exit = Isolation.relaunch(
                Inside.class,
                List.of(
                        scenarios.toString(),
                        out.toString(),
                        specDir.resolve("campaign.yaml").toString(),
                        campaignDir.toString()));
        Path log = tmp.resolve(Inside.LOG);
        String said = Files.isRegularFile(log) ? tail(Files.readString(log)) : "(no " + Inside.LOG + ")";
        System.out.printf(
                "NetworkPartitionsIT: %d shapes and a campaign in %d ms (%s)%n",
                SHAPES.size(), (System.nanoTime() - start) / 1_000_000, timings(out));
        for (String shape : SHAPES.keySet()) {
            Path dir = out.resolve("network-" + shape);
            assertThat(dir.resolve("result.json"))
                    .as("%s played (%s)", shape, said)
                    .exists();
            results.put(shape, RunFiles.readResult(dir));
        }
        assertThat(campaignDir.resolve(CampaignFiles.FILE))
                .as("the campaign played (%s)", said)
                .exists();
        campaign = CampaignFiles.read(campaignDir);
        try (Stream<Path> files = Files.walk(campaignDir.resolve("runs"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("result.json"))
                    .sorted()
                    .toList()) {
                campaignRuns.put(campaignDir.relativize(f.getParent()).toString(), RunFiles.readResult(f.getParent()));
            }
        }
    }

    @Test
    void everyShapeEndsWithTheOraclesHazardsOrNamesTheNodeItLost() {
        needsNamespace();
        for (var e : results.entrySet()) {
            RunResult r = e.getValue();
            describe(e.getKey(), r);
            if (r.complete()) {
                assertThat(r.truth().missed())
                        .as(e.getKey() + ": hazards the monitor missed")
                        .isEmpty();
                assertThat(r.verdict())
                        .as(e.getKey())
                        .isEqualTo(r.truth().verdict())
                        .isEqualTo("hazard");
                assertThat(r.hazards()).as(e.getKey()).hasSize(2);
            } else {
                assertThat(r.verdict()).as(e.getKey()).isEqualTo("incomplete");
                assertThat(r.incomplete())
                        .as(e.getKey() + ": names the node it lost")
                        .containsAnyOf(List.of(NodeRole.values()).stream()
                                .map(NodeRole::label)
                                .toArray(String[]::new));
            }
        }
        assertThat(results.values()).as("at least one shape completes").anyMatch(RunResult::complete);
        assertThat(exit).as("the worst run's exit code").isIn(0, 3);
    }

    @Test
    void theClusterReportsWhatItsFailureDetectorAndResolverDid() {
        needsNamespace();
        RunResult isolated = results.get("isolate");
        assertThat(isolated.network().unreachable()).contains("monitor");
        assertThat(isolated.network().downed()).containsExactly("monitor");
        assertThat(isolated.incomplete()).contains("downed monitor").contains("no verdict");
        assertThat(isolated.network().addresses()).containsEntry("monitor", "127.0.0.6");

        RunResult minority = results.get("minority");
        assertThat(minority.network().downed()).containsExactlyInAnyOrder("gpu-process-node", "migration-node");
        assertThat(minority.nodesLost()).containsExactlyInAnyOrder("gpu-process-node", "migration-node");

        // a partition healed within the failure detector's pause goes unnoticed by the cluster
        RunResult brief = results.get("groups");
        assertThat(brief.complete()).isTrue();
        assertThat(brief.network().unreachable()).isEmpty();
        assertThat(brief.network().events())
                .extracting(RunResult.NetworkEvent::event)
                .containsExactly("cut", "heal");
    }

    @Test
    void aCampaignsRandomPartitionsAreDropRulesAndItMissesNothing() {
        needsNamespace();
        campaignRuns.forEach((dir, r) -> describe(dir, r));
        assertThat(campaign.nodes()).isEqualTo("processes");
        assertThat(campaign.runsDone()).isEqualTo(campaign.runsPlanned()).isEqualTo(3);
        assertThat(campaign.clusters().formed())
                .as("played on the warm cluster")
                .isEqualTo(1);
        assertThat(campaign.clusters().restarts()).isZero();
        assertThat(campaign.totals().missed()).as("hazards missed").isZero();
        assertThat(campaign.totals().falseHazards()).as("false hazards").isZero();
        assertThat(campaign.exitCode()).isZero();

        List<RunResult> faulty = campaignRuns.values().stream()
                .filter(r -> r.campaign() != null && r.campaign().randomFaults() != null)
                .toList();
        assertThat(faulty).hasSize(2);
        for (RunResult r : faulty) {
            // each faulty run's plan has one random partition: it became nftables drop rules (a "cut" is recorded
            // only once nft applied them)
            String run = r.campaign().run();
            assertThat(r.campaign().faultPlan()).as(run).anyMatch(f -> f.partition() != null);
            assertThat(r.network()).as("%s has a network section", run).isNotNull();
            assertThat(r.network().mode()).isEqualTo("isolated");
            List<String> network = r.network().events().stream()
                    .filter(e -> e.observer().equals("network"))
                    .map(RunResult.NetworkEvent::event)
                    .toList();
            if (r.complete()) {
                assertThat(network)
                        .as("%s: the drop rules were applied, then removed", run)
                        .containsExactly("cut", "heal");
            } else {
                // it stopped before its heal step (as message-level partitions stop it: a step waits on a cut
                // link); the next run starts healed
                assertThat(network).as(run).startsWith("cut");
                assertThat(r.incomplete()).as(run).contains("got no answer");
            }
        }
        assertThat(faulty).as("a faulty run completes, cut and healed").anyMatch(RunResult::complete);
        RunResult oracle = campaignRuns.values().stream()
                .filter(r -> r.campaign() != null && r.campaign().randomFaults() == null)
                .findFirst()
                .orElseThrow();
        assertThat(oracle.network()).as("a fault-free run cuts nothing").isNull();
    }

    private static void needsNamespace() {
        Assumptions.assumeTrue(noNamespace.isEmpty(), () -> noNamespace.orElse(""));
    }

    private static void describe(String shape, RunResult r) {
        RunResult.NetworkEntry n = r.network();
        System.out.printf(
                "NetworkPartitionsIT %-9s %-10s unreachable %s downed %s rejoined %s %s %s%n",
                shape,
                r.verdict(),
                n == null ? "-" : n.unreachable(),
                n == null ? "-" : n.downed(),
                n == null ? "-" : n.rejoined(),
                r.complete() ? "" : "(" + r.incomplete() + ")",
                r.campaign() == null || r.campaign().faultPlan() == null
                        ? ""
                        : r.campaign().faultPlan().stream()
                                .map(f -> "step " + f.step() + ": "
                                        + (f.partition() != null ? "partition " + f.partition() : "heal"))
                                .toList());
    }

    /** The re-launched JVM's own timings, as {@link Inside} wrote them. */
    private static String timings(Path out) throws java.io.IOException {
        Path f = out.resolve(Inside.TIMINGS);
        return Files.isRegularFile(f) ? Files.readString(f).strip() : "no timings";
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    /**
     * Inside the private network namespace: forms one isolated cluster, plays every scenario of {@code args[0]} into
     * {@code args[1]} as {@code run} does, then the campaign {@code args[2]} into {@code args[3]} on the same warm
     * cluster. Exits with the shapes' worst exit code, as {@code run}; everything this JVM says goes to {@link #LOG}.
     */
    static final class Inside {

        static final String LOG = "inside.log";
        static final String TIMINGS = "timings.txt";

        public static void main(String[] args) throws Exception {
            Path scenarios = Path.of(args[0]);
            Path out = Files.createDirectories(Path.of(args[1]));
            PrintStream log =
                    new PrintStream(Files.newOutputStream(out.getParent().resolve(LOG)), true, StandardCharsets.UTF_8);
            System.setOut(log);
            System.setErr(log);
            int worst = 0;
            try {
                worst = play(scenarios, out, args[2], Path.of(args[3]));
            } catch (Throwable t) {
                t.printStackTrace(log);
                worst = 99;
            }
            log.flush();
            System.exit(worst);
        }

        private static int play(Path scenarios, Path out, String spec, Path campaignDir) throws Exception {
            Waits waits = new Waits();
            int worst = 0;
            StringBuilder timings = new StringBuilder();
            long start = System.nanoTime();
            try (LabCluster cluster = IsolatedCluster.start(out, waits)) {
                timings.append("formed in ").append(since(start)).append(" ms");
                start = System.nanoTime();
                Conductor conductor = new Conductor(cluster, waits);
                List<Path> files;
                try (Stream<Path> list = Files.list(scenarios)) {
                    files = list.sorted().toList();
                }
                for (Path file : files) {
                    Scenario s =
                            ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve(file.toString())).scenario();
                    Path dir = Files.createDirectories(out.resolve(s.name().replace('/', '-')));
                    Files.writeString(dir.resolve("scenario.yaml"), Files.readString(file));
                    RunOutcome run = conductor.run(s, s.seed(), dir, s.name() + "@" + s.seed());
                    RunResult r =
                            RunPipeline.finish(s, s.seed(), cluster.mode(), run, dir, RunPipeline.Expect.CHECK, null);
                    worst = Math.max(
                            worst, !run.incomplete().isEmpty() ? 3 : r.expect().heldAll() ? 0 : 1);
                }
                timings.append(", shapes in ").append(since(start)).append(" ms");
                start = System.nanoTime();
                Campaign campaign = ((CampaignLoad.Ready) CampaignLoader.load(spec)).campaign();
                new CampaignRunner(campaign, campaignDir, 1, () -> LabCluster.unclosed(cluster), Progress.NONE).run();
                timings.append(", campaign in ").append(since(start)).append(" ms");
            }
            Files.writeString(out.resolve(TIMINGS), timings.toString());
            return worst;
        }

        private static long since(long start) {
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    private static String scenario(Map.Entry<String, String> shape) {
        return """
                name: network/%s
                description: option 0 under a %s fault of the private network
                platform: {cpu: intel, self-snoop: false, kvm: "6.16"}
                gpu-process: {driver: amdgpu}
                steps:
                  - allocate: {buffer: b0, size: 2MiB, placement: gtt-uswc}
                  - export: {buffer: b0}
                  - map-blob: {buffer: b0, gpa: 0x100000000}
                  - guest-map: {buffer: b0}
                  - guest-write: {buffer: b0, offset: 0, value: 0xab}
                  - gpu-read: {buffer: b0, offset: 0}
                faults:
                """.formatted(shape.getKey(), shape.getKey()) + shape.getValue();
    }
}
