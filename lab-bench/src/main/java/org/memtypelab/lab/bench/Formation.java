package org.memtypelab.lab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.memtypelab.lab.cluster.ProcessCluster;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.protocol.NodeRole;

/**
 * Rows 2 and 3: a cold cluster (formed, then one run) against bare Pekko forming the same number of members - in this
 * JVM (embedded), or one JVM per node plus this one (processes), launched by the same {@link ProcessCluster}.
 */
final class Formation {

    /** The scenario of the one run: fault-free, every node takes part. */
    static final String SCENARIO = "thread/option-0-status-quo";

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final BenchSettings settings;
    private final Consumer<String> progress;
    private final Path dir;

    Formation(BenchSettings settings, Consumer<String> progress, Path dir) {
        this.settings = settings;
        this.progress = progress;
        this.dir = dir;
    }

    static Scenario scenario() {
        return Plays.catalogue().stream()
                .filter(s -> s.name().equals(SCENARIO))
                .findFirst()
                .orElseThrow();
    }

    /** Row 2: {@code LabCluster.embedded()} plus one run, against {@link BareCluster#form} of as many systems. */
    Row embedded() {
        int n = LabCluster.ROLES.size();
        Scenario s = scenario();
        List<Long> cold = new ArrayList<>();
        List<Long> formed = new ArrayList<>();
        List<Long> bare = new ArrayList<>();
        for (int i = 0; i < settings.formations(); i++) {
            progress.accept(
                    "row 2: bare formation of " + n + " ActorSystems (" + (i + 1) + "/" + settings.formations() + ")");
            long b0 = System.nanoTime();
            try (BareCluster c = BareCluster.form(n, TIMEOUT)) {
                bare.add(System.nanoTime() - b0);
            }
            progress.accept(
                    "row 2: embedded cluster, cold, plus one run (" + (i + 1) + "/" + settings.formations() + ")");
            long t0 = System.nanoTime();
            try (LabCluster cluster = LabCluster.embedded()) {
                formed.add(System.nanoTime() - t0);
                Plays plays = new Plays(cluster);
                if (!plays.play(s).complete()) {
                    throw new IllegalStateException("the cold embedded run of " + SCENARIO + " did not complete");
                }
                cold.add(System.nanoTime() - t0);
            }
        }
        return new Row(
                "2-embedded-cold",
                "embedded cold: form " + n + " systems + one run",
                ms(median(cold)),
                "ms",
                "bare Pekko: form " + n + " systems",
                ms(median(bare)),
                "timed",
                "",
                "",
                "median of " + cold.size() + " (run: " + SCENARIO + "); of it formation "
                        + Math.round(ms(median(formed))) + " ms; same Artery/cluster settings; JVM already warm");
    }

    /** Row 3: {@code LabCluster.processes()} plus one run, against bare node JVMs started the same way. */
    Row processes() throws Exception {
        List<NodeRole> nodes =
                LabCluster.ROLES.stream().filter(r -> r != NodeRole.CONDUCTOR).toList();
        int n = LabCluster.ROLES.size();
        Scenario s = scenario();
        List<Long> cold = new ArrayList<>();
        List<Long> bare = new ArrayList<>();
        for (int i = 0; i < settings.formations(); i++) {
            progress.accept("row 3: bare cluster of " + nodes.size() + " JVMs + this one (" + (i + 1) + "/"
                    + settings.formations() + ")");
            Path logs = Files.createDirectories(dir.resolve("bare-nodes-" + i));
            long b0 = System.nanoTime();
            try (ProcessCluster jvms = ProcessCluster.builder()
                            .main(BareNode.class.getName(), List.of())
                            .logDir(logs)
                            .stopGrace(Duration.ofSeconds(1))
                            .start(nodes);
                    BareCluster local = new BareCluster()) {
                local.join(jvms.seed());
                local.awaitUp(n, TIMEOUT);
                bare.add(System.nanoTime() - b0);
            }
            progress.accept(
                    "row 3: process cluster, cold, plus one run (" + (i + 1) + "/" + settings.formations() + ")");
            long t0 = System.nanoTime();
            try (LabCluster cluster = LabCluster.processes(dir.resolve("nodes-" + i))) {
                Plays plays = new Plays(cluster);
                if (!plays.play(s).complete()) {
                    throw new IllegalStateException("the process-mode run of " + SCENARIO + " did not complete");
                }
                cold.add(System.nanoTime() - t0);
            }
        }
        return new Row(
                "3-processes-cold",
                "processes cold: " + nodes.size() + " node JVMs + one run",
                ms(median(cold)),
                "ms",
                "bare Pekko: " + nodes.size() + " JVMs + this one",
                ms(median(bare)),
                "timed",
                "",
                "",
                "median of " + cold.size() + " (run: " + SCENARIO
                        + "); both launched by ProcessCluster (same JVM options, classpath)");
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
