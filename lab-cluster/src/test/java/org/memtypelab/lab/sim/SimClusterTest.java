package org.memtypelab.lab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioLoader;

/** The simulator's promises: a seeded run writes the same bytes every time, and virtual time ends what cannot end. */
class SimClusterTest {

    private static LabCluster sim;

    @BeforeAll
    static void start() {
        sim = LabCluster.sim();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    /** Faulty scenarios: duplicated and reordered messages, a restart, a pause - the ones whose order could vary. */
    @Test
    void aSeededRunWritesTheSameBytesEveryTime(@TempDir Path tmp) throws IOException {
        for (String name :
                List.of("faults/duplicated-and-reordered", "faults/gpu-process-restart", "faults/kvm-pause")) {
            Scenario s = bundled(name);
            Map<String, String> first = files(play(sim, s, tmp.resolve(name + "-1")));
            // again on the same cluster, after other runs
            play(sim, bundled("thread/option-0-status-quo"), tmp.resolve(name + "-between"));
            Map<String, String> again = files(play(sim, s, tmp.resolve(name + "-2")));
            // and on a cluster of its own
            Map<String, String> fresh;
            try (LabCluster other = LabCluster.sim()) {
                fresh = files(play(other, s, tmp.resolve(name + "-3")));
            }
            assertThat(first).as(name).containsKeys("history.jsonl", "trace-kvm-node.jsonl", "trace-conductor.jsonl");
            assertThat(again).as(name + " again").isEqualTo(first);
            assertThat(fresh).as(name + " on a fresh cluster").isEqualTo(first);
        }
    }

    @Test
    void aMessageThatNeverArrivesEndsTheRunInVirtualTime(@TempDir Path tmp) {
        Scenario s = load("""
                name: never-answered
                platform: {cpu: intel, self-snoop: false, kvm: "6.16"}
                gpu-process: {driver: amdgpu}
                steps:
                  - allocate: {buffer: b0, size: 2MiB, placement: gtt-uswc}
                  - export: {buffer: b0}
                faults:
                  - {at: export, drop: {from: conductor, to: gpu-process-node, count: 10}}
                """);
        Conductor conductor = new Conductor(sim);
        RunOutcome run = conductor.run(s, 1, tmp, "never-answered@1");

        // three attempts of 2 s each: 6 s of virtual time, no real waiting
        assertThat(run.incomplete()).contains("export");
        assertThat(run.report()).isNull();
    }

    private static Path play(LabCluster cluster, Scenario s, Path dir) {
        RunOutcome run = new Conductor(cluster).run(s, s.seed(), dir, s.name() + "@" + s.seed());
        RunResult result = RunPipeline.finish(s, s.seed(), cluster.mode(), run, dir, RunPipeline.Expect.CHECK, null);
        assertThat(result.complete())
                .as(s.name() + " complete: " + result.incomplete())
                .isTrue();
        return dir;
    }

    /** Every file of a run directory but result.json's wall time. */
    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                out.put(f.getFileName().toString(), text.replaceAll("\"wall_ms\"\\s*:\\s*\\d+", "\"wall_ms\":0"));
            }
        }
        return out;
    }

    private static Scenario bundled(String name) {
        return ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve(name)).scenario();
    }

    private static Scenario load(String yaml) {
        return ((LoadResult.Loaded) ScenarioLoader.load("test.yaml", yaml)).scenario();
    }
}
