package org.memtypelab.lab.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;

/**
 * Plays scenarios on one warm cluster the way {@code run} does - the conductor, then {@link RunPipeline} (the monitor
 * against the traces, result.json, history.jsonl) in a temporary directory deleted afterwards - and keeps the time of
 * each part, so the bench can say where a run's time goes.
 */
final class Plays {

    /** Where the time of the runs played so far went, in nanoseconds. */
    static final class Split {
        long runs;
        long incomplete;
        long directory;
        long conductor;
        long pipeline;
        long delete;

        void add(Split o) {
            runs += o.runs;
            incomplete += o.incomplete;
            directory += o.directory;
            conductor += o.conductor;
            pipeline += o.pipeline;
            delete += o.delete;
        }

        void reset() {
            runs = incomplete = directory = conductor = pipeline = delete = 0;
        }

        long total() {
            return directory + conductor + pipeline + delete;
        }
    }

    private final LabCluster cluster;
    private final Conductor conductor;
    final Split split = new Split();

    Plays(LabCluster cluster) {
        this.cluster = cluster;
        this.conductor = new Conductor(cluster);
    }

    /** Every bundled scenario, in catalogue order. */
    static List<Scenario> catalogue() {
        ScenarioCatalogue catalogue = ScenarioCatalogue.bundled();
        return catalogue.names().stream()
                .map(n -> catalogue.loadBundled(n).orElseThrow())
                .map(r -> ((LoadResult.Loaded) r).scenario())
                .toList();
    }

    /** The bundled scenarios without faults: their runs take the same time on every cluster kind. */
    static List<Scenario> faultFree() {
        return catalogue().stream().filter(s -> s.faults().isEmpty()).toList();
    }

    /** Plays {@code s} once with its own seed; returns its result. */
    RunResult play(Scenario s) {
        long t0 = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("memtype-lab-bench");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for a bench run", e);
        }
        long t1 = System.nanoTime();
        RunOutcome run;
        try {
            run = conductor.run(s, s.seed(), dir, s.name() + "@" + s.seed());
        } catch (RuntimeException e) {
            run = RunOutcome.failedToStart("the conductor failed: " + e);
        }
        long t2 = System.nanoTime();
        RunResult result = RunPipeline.finish(s, s.seed(), cluster.mode(), run, dir, RunPipeline.Expect.IGNORE, null);
        long t3 = System.nanoTime();
        RunFiles.deleteTree(dir);
        long t4 = System.nanoTime();
        split.runs++;
        split.incomplete += result.complete() ? 0 : 1;
        split.directory += t1 - t0;
        split.conductor += t2 - t1;
        split.pipeline += t3 - t2;
        split.delete += t4 - t3;
        return result;
    }

    /** Plays every scenario of {@code scenarios} once (a warm-up pass). */
    void playAll(List<Scenario> scenarios) {
        scenarios.forEach(this::play);
    }

    /**
     * Plays {@code scenarios} round-robin, starting at the first, until {@code nanos} have passed and at least one
     * run finished; returns how many runs finished.
     */
    long playFor(List<Scenario> scenarios, long nanos) {
        long end = System.nanoTime() + nanos;
        long n = 0;
        do {
            play(scenarios.get((int) (n % scenarios.size())));
            n++;
        } while (System.nanoTime() < end);
        return n;
    }
}
