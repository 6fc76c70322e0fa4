package org.memtypelab.lab.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.scenario.Scenario;

/**
 * Row 1: catalogue runs per minute on warm simulated clusters (one, then one per core in parallel) against the same
 * scenarios on a warm embedded cluster. Every run is a whole {@code run}: conductor, result.json, history.jsonl.
 */
final class RunRates {

    private static final double NANOS_PER_MINUTE = 60e9;

    private final BenchSettings settings;
    private final Consumer<String> progress;
    /** Where the simulator's time went (bench.json "details"). */
    final Map<String, Object> simProfile = new LinkedHashMap<>();

    RunRates(BenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** The sim rows; {@code embeddedRate} is the embedded warm runs/min over the fault-free scenarios. */
    List<Row> simRows(double embeddedRate, int embeddedRuns) throws Exception {
        List<Scenario> all = Plays.catalogue();
        List<Scenario> faultFree = Plays.faultFree();
        long window = settings.runWindow().toNanos();
        List<Row> rows = new ArrayList<>();
        try (LabCluster sim = LabCluster.sim()) {
            Plays plays = new Plays(sim);
            progress.accept("row 1: sim warm-up, " + all.size() + " catalogue scenarios");
            plays.playAll(all);
            progress.accept(
                    "row 1: sim, one warm cluster, " + settings.runWindow().toMillis() + " ms");
            plays.split.reset();
            long t0 = System.nanoTime();
            long n = plays.playFor(all, window);
            double allRate = n * NANOS_PER_MINUTE / (System.nanoTime() - t0);
            long incomplete = plays.split.incomplete;
            plays.split.reset(); // the profile is of the fault-free window alone
            long tasks0 = ((org.memtypelab.lab.sim.SimCluster) sim).loop().tasks();
            long t1 = System.nanoTime();
            long m = plays.playFor(faultFree, window);
            double freeRate = m * NANOS_PER_MINUTE / (System.nanoTime() - t1);
            long tasks = ((org.memtypelab.lab.sim.SimCluster) sim).loop().tasks() - tasks0;
            profile(plays.split, tasks, m);
            rows.add(new Row(
                    "1-sim",
                    "sim runs/min, 1 warm cluster, all " + all.size() + " scenarios",
                    allRate,
                    "runs/min",
                    "embedded warm, fault-free",
                    embeddedRate,
                    "timed",
                    "",
                    "",
                    n + " runs round-robin after a warm-up pass; " + incomplete + " incomplete"));
            rows.add(new Row(
                    "1-sim-ff",
                    "sim runs/min, 1 warm cluster, " + faultFree.size() + " fault-free",
                    freeRate,
                    "runs/min",
                    "embedded warm, fault-free",
                    embeddedRate,
                    "timed",
                    "",
                    "",
                    m + " sim runs vs " + embeddedRuns + " embedded runs, each round-robin from the first"));
        }
        rows.add(parallel(all, embeddedRate));
        return rows;
    }

    /** One sim cluster per core, each playing the whole catalogue round-robin at the same time. */
    private Row parallel(List<Scenario> all, double embeddedRate) throws Exception {
        int workers = Runtime.getRuntime().availableProcessors();
        progress.accept("row 1: sim, " + workers + " warm clusters in parallel, "
                + settings.runWindow().toMillis() + " ms");
        CyclicBarrier start = new CyclicBarrier(workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long window = settings.runWindow().toNanos();
        try {
            List<Future<long[]>> counts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                counts.add(pool.submit(() -> {
                    try (LabCluster sim = LabCluster.sim()) {
                        Plays plays = new Plays(sim);
                        plays.playAll(all);
                        start.await();
                        long t0 = System.nanoTime();
                        long n = plays.playFor(all, window);
                        return new long[] {n, System.nanoTime() - t0};
                    }
                }));
            }
            double rate = 0;
            long runs = 0;
            for (Future<long[]> f : counts) {
                long[] c = f.get();
                runs += c[0];
                rate += c[0] * NANOS_PER_MINUTE / c[1];
            }
            boolean held = rate >= 10_000;
            return new Row(
                            "1-sim-par",
                            "sim runs/min, " + workers + " warm clusters in parallel",
                            rate,
                            "runs/min",
                            "embedded warm, fault-free",
                            embeddedRate,
                            "timed",
                            "",
                            "",
                            runs + " runs in all, one sim cluster per core, each the catalogue round-robin")
                    .withTarget(">= 10,000 runs/min on 2 cores", held);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Embedded warm runs/min over the fault-free scenarios, on {@code cluster} (formed by the caller). */
    long[] embedded(LabCluster cluster) {
        List<Scenario> faultFree = Plays.faultFree();
        Plays plays = new Plays(cluster);
        progress.accept("row 1: embedded warm-up run");
        plays.play(faultFree.get(0));
        progress.accept(
                "row 1: embedded, one warm cluster, " + 2 * settings.runWindow().toMillis() + " ms");
        long t0 = System.nanoTime();
        long n = plays.playFor(faultFree, 2 * settings.runWindow().toNanos());
        return new long[] {n, System.nanoTime() - t0};
    }

    static double perMinute(long[] countAndNanos) {
        return countAndNanos[0] * NANOS_PER_MINUTE / countAndNanos[1];
    }

    private void profile(Plays.Split s, long tasks, long runs) {
        double total = s.total();
        simProfile.put("runs", s.runs);
        simProfile.put("mean_run_ms", total / s.runs / 1e6);
        simProfile.put("conductor_share", s.conductor / total);
        simProfile.put("pipeline_share", s.pipeline / total);
        simProfile.put("directory_create_share", s.directory / total);
        simProfile.put("directory_delete_share", s.delete / total);
        simProfile.put("loop_tasks_per_run", (double) tasks / runs);
        simProfile.put(
                "note",
                "fault-free window: conductor = ConductorRun on the SimLoop incl. the nodes' trace writes;"
                        + " pipeline = RunPipeline.finish (read traces, TraceTruth, result.json, history.jsonl)");
    }
}
