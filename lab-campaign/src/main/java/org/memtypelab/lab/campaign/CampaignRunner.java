package org.memtypelab.lab.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.memtypelab.documents.CampaignFiles;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.protocol.NodeRole;

/**
 * Runs a campaign: each worker forms one cluster, keeps it warm, and plays run after run on it, taking the next run
 * from a shared list (each cell's oracle first, then its faulty runs). A run's seed depends only on the campaign seed,
 * its cell and its number, so results do not depend on the number of workers. campaign.json is rewritten whenever a
 * cell completes and at the end; {@link #stop} (Ctrl-C) keeps the finished runs and writes a partial one.
 */
public final class CampaignRunner {

    /**
     * After this many incomplete runs in a row a worker plays a fault-free probe run; only if that does not complete
     * either is its cluster replaced (faults alone end runs incomplete, so a streak proves nothing by itself).
     */
    static final int REPLACE_AFTER_INCOMPLETE = 3;
    /** Plays of an oracle run before its cell is given up as not comparable. */
    static final int ORACLE_ATTEMPTS = 3;

    private record Task(Cell.Playable cell, int run) {}

    private final Campaign campaign;
    private final Path dir;
    private final int parallel;
    private final Supplier<LabCluster> clusters;
    private final Progress progress;
    private final Tally tally;
    private final List<Task> tasks = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger formed = new AtomicInteger();
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private final List<String> clusterErrors = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> workers = new ArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object formation = new Object();
    private volatile boolean stopped;
    private volatile long startNanos;
    private volatile String nodes = "embedded";

    /**
     * @param dir the campaign directory: campaign.json and runs/
     * @param parallel workers, each with its own cluster
     * @param clusters forms one warm cluster (called once per worker, again only to replace a failing one)
     */
    public CampaignRunner(Campaign campaign, Path dir, int parallel, Supplier<LabCluster> clusters, Progress progress) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be >= 1: " + parallel);
        }
        this.campaign = campaign;
        this.dir = dir;
        this.parallel = parallel;
        this.clusters = clusters;
        this.progress = progress;
        this.tally = new Tally(campaign);
        for (Cell.Playable c : campaign.playable()) {
            for (int run = 0; run < campaign.runsPerCell(); run++) {
                tasks.add(new Task(c, run));
            }
        }
    }

    /**
     * Takes the runs an interrupted earlier invocation finished in this directory (their result.json) as done, and
     * clears the directories of runs it left half-played; {@link #run} then plays only the rest. Call before
     * {@link #run}; returns how many runs were already done.
     */
    public int resume() {
        List<Task> pending = new ArrayList<>();
        int done = 0;
        for (Task t : tasks) {
            String rel = CampaignDocument.cellDir(t.cell()) + "/"
                    + Runs.name(t.run(), campaign.spec().faults().runsPerCell());
            Path runDir = dir.resolve(rel);
            Path result = runDir.resolve("result.json");
            if (Files.isRegularFile(result)) {
                try {
                    RunResult r = Documents.JSON.readValue(result.toFile(), RunResult.class);
                    tally.add(RunRecord.fromResult(t.cell().index(), t.run(), rel, r));
                    done++;
                    continue;
                } catch (IOException e) {
                    // unreadable (cut off while written): play it again
                }
            }
            if (Files.exists(runDir)) {
                RunFiles.deleteTree(runDir); // traces append: a half-played run must not mix with its replay
            }
            pending.add(t);
        }
        tasks.clear();
        tasks.addAll(pending);
        return done;
    }

    /**
     * Why {@code campaign} is not the campaign started in {@code dir}: a cell whose scenario differs from the one
     * written there (the spec or its base changed); empty when they are the same.
     */
    public static String differences(Campaign campaign, Path dir) {
        for (Cell.Playable c : campaign.playable()) {
            Path written = dir.resolve(CampaignDocument.cellDir(c)).resolve("scenario.yaml");
            try {
                if (!Files.isRegularFile(written)) {
                    return "it has no cell " + c.id() + ": it was started from another spec";
                }
                if (!Files.readString(written, StandardCharsets.UTF_8).equals(c.yaml())) {
                    return "cell " + c.id() + " is not the scenario it was started with (the spec or its base"
                            + " changed since); start a new campaign instead";
                }
            } catch (IOException e) {
                return "cannot read " + written + ": " + e.getMessage();
            }
        }
        return "";
    }

    /** Plays every run (or until {@link #stop}), writes campaign.json, and returns the result. */
    public CampaignResult run() {
        startNanos = System.nanoTime();
        try {
            writeCellScenarios();
            Tally.Counters before = tally.counters();
            progress.update(before.done(), before.total(), counts(before));
            int n = Math.min(parallel, Math.max(1, tasks.size()));
            synchronized (workers) {
                for (int i = 0; i < n; i++) {
                    Thread t = new Thread(new Worker(), "campaign-worker-" + (i + 1));
                    workers.add(t);
                    t.start();
                }
            }
            for (Thread t : List.copyOf(workers)) {
                joinUninterruptibly(t);
            }
            CampaignResult result = result();
            writeCampaignJson(result);
            return result;
        } finally {
            finished.countDown();
        }
    }

    /** Starts no more runs, discards the ones in flight, and lets {@link #run} close the clusters and write. */
    public void stop() {
        stopped = true;
        synchronized (workers) {
            workers.forEach(Thread::interrupt);
        }
    }

    /** Waits until {@link #run} has written campaign.json (for a shutdown hook). */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The result so far. */
    private CampaignResult result() {
        return new CampaignResult(
                campaign,
                tally.cells(),
                stopped,
                parallel,
                nodes,
                formed.get(),
                List.copyOf(clusterErrors),
                restarts.get(),
                probes.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** One worker: a warm cluster and its conductor, repaired or replaced when a run leaves it broken. */
    private final class Worker implements Runnable {

        private LabCluster cluster;
        private Conductor conductor;
        private int failedInARow;

        @Override
        public void run() {
            try {
                cluster = form();
                if (cluster == null) {
                    return;
                }
                formed.incrementAndGet();
                nodes = cluster.mode();
                conductor = new Conductor(cluster);
                while (!stopped && cluster != null) {
                    int i = next.getAndIncrement();
                    if (i >= tasks.size()) {
                        break;
                    }
                    RunRecord r = play(tasks.get(i));
                    if (stopped) {
                        break; // cut short by the interruption: not a result
                    }
                    boolean cellDone = tally.add(r);
                    report();
                    if (cellDone) {
                        CampaignResult now = result();
                        writeCampaignJson(now);
                        cellReport(now.cells().stream()
                                .filter(c -> c.cell().index() == r.cell())
                                .findFirst()
                                .orElseThrow());
                    }
                }
            } catch (RuntimeException e) {
                clusterErrors.add(Thread.currentThread().getName() + " stopped: " + e);
            } finally {
                if (cluster != null) {
                    close(cluster);
                }
            }
        }

        /**
         * Plays a run; an oracle run that does not complete is played again (same seed) on a repaired cluster, up to
         * {@link #ORACLE_ATTEMPTS} times: it has no faults, so its failure says nothing about the cell.
         */
        private RunRecord play(Task t) {
            RunRecord r;
            int attempt = 0;
            do {
                r = Runs.play(conductor, cluster.mode(), campaign, t.cell(), t.run(), dir);
                attempt++;
                if (stopped) {
                    return r;
                }
                repair(r, t.cell());
                if (r.oracle() && !r.complete() && attempt < ORACLE_ATTEMPTS && cluster != null) {
                    keepAside(r, attempt);
                } else {
                    return r;
                }
            } while (true);
        }

        /** Moves a failed attempt's directory to {@code <run>-attempt<N>}: traces append, attempts must not mix. */
        private void keepAside(RunRecord r, int attempt) {
            Path from = dir.resolve(r.dir());
            try {
                Files.move(from, from.resolveSibling(from.getFileName() + "-attempt" + attempt));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move " + from + " aside", e);
            }
        }

        /**
         * Restarts what the run left down; replaces the cluster if that fails, it fell apart, or runs keep failing and a
         * fault-free probe run of the same cell does not complete either.
         */
        private void repair(RunRecord r, Cell.Playable cell) {
            failedInARow = r.complete() ? 0 : failedInARow + 1;
            String broken = restore(r.nodesLost());
            if (broken.isEmpty()
                    && cluster.conductor()
                            .getWhenTerminated()
                            .toCompletableFuture()
                            .isDone()) {
                broken = "the conductor's ActorSystem terminated (downed by the cluster?)";
            }
            if (broken.isEmpty() && failedInARow >= REPLACE_AFTER_INCOMPLETE) {
                probes.incrementAndGet();
                String probe = Runs.probe(conductor, cell);
                if (probe.isEmpty()) {
                    failedInARow = 0;
                } else {
                    broken = failedInARow + " incomplete runs in a row (last: " + r.incomplete()
                            + ") and a fault-free probe run did not complete either (" + probe + ")";
                }
            }
            if (broken.isEmpty()) {
                return;
            }
            clusterErrors.add(
                    Thread.currentThread().getName() + " after " + r.dir() + ": " + broken + "; replacing its cluster");
            close(cluster);
            cluster = form();
            if (cluster != null) {
                restarts.incrementAndGet();
                conductor = new Conductor(cluster);
                failedInARow = 0;
            }
        }

        /** Restarts the nodes a run killed and left down; empty, or why that failed. */
        private String restore(List<String> lost) {
            for (String node : lost) {
                try {
                    cluster.restart(NodeRole.parse(node));
                } catch (RuntimeException e) {
                    return "could not restart " + node + ": " + e.getMessage();
                }
            }
            return "";
        }
    }

    private LabCluster form() {
        if (stopped) {
            return null;
        }
        // one formation at a time: several at once starve each other's heartbeats on a small machine
        synchronized (formation) {
            return formNow();
        }
    }

    private LabCluster formNow() {
        try {
            return clusters.get();
        } catch (RuntimeException e) {
            clusterErrors.add(Thread.currentThread().getName() + ": the cluster did not form: " + e.getMessage());
            return null;
        }
    }

    private static void close(LabCluster cluster) {
        Thread.interrupted(); // a stop() interrupt must not cut the graceful leave short
        cluster.close();
    }

    private synchronized void cellReport(CellResult cell) {
        Tally.Counters c = tally.counters();
        progress.cellDone(cell, c.done(), c.total());
    }

    /** One update at a time, so the bar never steps back. */
    private synchronized void report() {
        Tally.Counters c = tally.counters();
        progress.update(c.done(), c.total(), counts(c));
    }

    private static String counts(Tally.Counters c) {
        return "hazard " + c.hazardRuns() + " missed " + c.missed() + " false " + c.falseHazards() + " exit-3 "
                + c.exit3();
    }

    private void writeCellScenarios() {
        try {
            for (Cell.Playable c : campaign.playable()) {
                Path cellDir = dir.resolve(CampaignDocument.cellDir(c));
                Files.createDirectories(cellDir);
                Files.writeString(cellDir.resolve("scenario.yaml"), c.yaml(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cells' scenarios under " + dir, e);
        }
    }

    /** Writes campaign.json (through a temporary file, so a reader never sees half of it). */
    private synchronized void writeCampaignJson(CampaignResult result) {
        CampaignFiles.write(dir, CampaignDocument.of(result));
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
