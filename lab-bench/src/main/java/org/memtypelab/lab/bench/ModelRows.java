package org.memtypelab.lab.bench;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Rows 5-7: core's models in this JVM, measured with JMH ({@link LedgerBenchmark}, {@link MemslotBenchmark},
 * {@link DirtyLogBenchmark}); JMH's own output goes to {@code jmh.log}. Forked benchmarks run with a 256 MB heap, so a
 * model that needed more would fail there; the heap a full model keeps is measured here as well.
 */
final class ModelRows {

    /** The bound on a model's heap. */
    static final long HEAP_LIMIT_MB = 256;

    static final String LOG = "jmh.log";

    private final BenchSettings settings;
    private final Consumer<String> progress;
    private final Path dir;

    ModelRows(BenchSettings settings, Consumer<String> progress, Path dir) {
        this.settings = settings;
        this.progress = progress;
        this.dir = dir;
    }

    List<Row> measure() throws RunnerException, FileNotFoundException {
        progress.accept("rows 5-7: JMH ("
                + (settings.jmhForks() == 0 ? "in this JVM" : settings.jmhForks() + " fork(s), -Xmx256m") + "), log in "
                + dir.resolve(LOG));
        Map<String, Result<?>> r = jmh();
        String how = settings.jmhForks() == 0 ? "in this JVM" : "forked, -Xmx" + HEAP_LIMIT_MB + "m";
        String throughput = "JMH throughput, " + settings.jmhIterations() + " x "
                + settings.jmhTime().toMillis() + " ms, " + how;
        String shots =
                "JMH single shot, mean of " + settings.jmhIterations() * Math.max(1, settings.jmhForks()) + ", " + how;
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(
                "5-monitor",
                "monitor events/s in-JVM (CoherencyLedger: collect + judge)",
                score(r, "LedgerBenchmark.ledger"),
                "events/s",
                "collect only: JDK map by event id + causal sort",
                score(r, "LedgerBenchmark.collectOnly"),
                "JMH thrpt",
                "",
                "",
                throughput + "; " + LedgerBenchmark.EVENTS
                        + " events per op: 16 buffers, WC/WB/DMA mappings, writes and reads"));
        progress.accept("rows 6-7: heap kept by a full memslot table and a dirty 4 GiB slot");
        long tableMb = retainedMb(MemslotBenchmark::full);
        long treeMb = retainedMb(MemslotBenchmark::fullTree);
        long dirtyMb = retainedMb(() -> DirtyLogBenchmark.dirtyAll(DirtyLogBenchmark.logging()));
        String[][] memslot = {{"create", "created"}, {"lookup", "looked up (by gpa and by id)"}, {"delete", "deleted"}};
        for (String[] op : memslot) {
            String tree = "tree" + Character.toUpperCase(op[0].charAt(0)) + op[0].substring(1);
            rows.add(timeRow(
                    r,
                    "6-" + op[0],
                    String.format(java.util.Locale.ROOT, "%,d", MemslotBenchmark.SLOTS) + " memslots " + op[1],
                    "MemslotBenchmark." + op[0],
                    "bare TreeMap by gpa",
                    "MemslotBenchmark." + tree,
                    shots));
        }
        rows.add(heapRow(
                "6-heap", "heap kept by the full memslot table", tableMb, "bare TreeMap of the requests", treeMb));
        String[][] dirty = {{"dirty", "1 M pages dirtied"}, {"sync", "synced (GET_DIRTY_LOG)"}, {"clear", "cleared"}};
        for (String[] op : dirty) {
            String bits = "bits" + Character.toUpperCase(op[0].charAt(0)) + op[0].substring(1);
            rows.add(timeRow(
                    r,
                    "7-" + op[0],
                    "4 GiB slot, " + op[1] + (op[0].equals("dirty") ? "" : ", 1 M dirty pages"),
                    "DirtyLogBenchmark." + op[0],
                    "bare BitSet of 1 M bits",
                    "DirtyLogBenchmark." + bits,
                    shots));
        }
        rows.add(heapRow(
                "7-heap",
                "heap kept by a 4 GiB slot with 1 M dirty pages",
                dirtyMb,
                "(the bitmap alone is 0.125 MB)",
                0));
        return rows;
    }

    private Row timeRow(
            Map<String, Result<?>> r, String id, String what, String bench, String baseline, String base, String how) {
        Result<?> result = r.get(bench);
        double max = result.getStatistics().getMax();
        return new Row(
                        id,
                        what,
                        result.getScore(),
                        "ms",
                        baseline,
                        score(r, base),
                        "JMH shot",
                        "",
                        "",
                        how + "; slowest shot " + BenchReport.number(max) + " ms")
                .withTarget("< 1 s", max < 1000);
    }

    private static Row heapRow(String id, String what, long mb, String baseline, long baseMb) {
        return new Row(
                        id,
                        what,
                        mb,
                        "MB",
                        baseline,
                        baseMb,
                        "after GC",
                        "",
                        "",
                        "used heap after System.gc() with the model held, minus before")
                .withTarget("< " + HEAP_LIMIT_MB + " MB", mb < HEAP_LIMIT_MB);
    }

    private Map<String, Result<?>> jmh() throws RunnerException, FileNotFoundException {
        String include = Pattern.quote(getClass().getPackageName() + ".") + "(LedgerBenchmark|MemslotBenchmark"
                + "|DirtyLogBenchmark)\\..*";
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(settings.jmhForks())
                .warmupIterations(settings.jmhWarmups())
                .measurementIterations(settings.jmhIterations())
                .warmupTime(TimeValue.milliseconds(settings.jmhTime().toMillis()))
                .measurementTime(TimeValue.milliseconds(settings.jmhTime().toMillis()))
                .shouldFailOnError(true);
        if (settings.jmhForks() > 0) {
            options = options.jvmArgs("-Xmx" + HEAP_LIMIT_MB + "m", "-XX:+UseSerialGC");
        }
        Map<String, Result<?>> out = new HashMap<>();
        try (PrintStream log = new PrintStream(dir.resolve(LOG).toFile(), StandardCharsets.UTF_8)) {
            Collection<RunResult> results = new Runner(
                            options.build(), OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL))
                    .run();
            for (RunResult result : results) {
                String name = result.getParams().getBenchmark();
                out.put(
                        name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
                        result.getPrimaryResult());
            }
        } catch (java.io.IOException e) {
            throw new FileNotFoundException("cannot write " + dir.resolve(LOG) + ": " + e.getMessage());
        }
        return out;
    }

    private static double score(Map<String, Result<?>> r, String bench) {
        Result<?> result = r.get(bench);
        if (result == null) {
            throw new IllegalStateException("JMH gave no result for " + bench + "; got " + r.keySet());
        }
        return result.getScore();
    }

    /** What {@code make} keeps on the heap, in MB (rounded up). */
    static long retainedMb(Supplier<?> make) {
        gc();
        long before = used();
        Object kept = make.get();
        gc();
        long after = used();
        Reference.reachabilityFence(kept);
        return Math.max(0, (after - before + (1 << 20) - 1) >> 20);
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
