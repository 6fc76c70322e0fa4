package org.memtypelab.lab.bench;

import java.time.Duration;

/**
 * How long a bench measures each thing.
 *
 * @param mode {@code full}, {@code quick} or {@code tiny} (the smoke test)
 * @param runWindow how long warm runs are counted, per cluster kind (after one warm-up pass)
 * @param formations how many cold formations row 2 (and row 3) time, each kind; the median is shown
 * @param processes whether row 3 (one JVM per node) is measured
 * @param eventBatches how many batches of {@link #BATCH} events rows 4 send, each path, after one warm-up batch
 * @param jmhForks JMH forks per benchmark (0: in this JVM); forks run with a 256 MB heap
 * @param jmhWarmups JMH warm-up iterations
 * @param jmhIterations JMH measured iterations (single-shot rows: shots)
 * @param jmhTime the length of one throughput iteration
 */
public record BenchSettings(
        String mode,
        Duration runWindow,
        int formations,
        boolean processes,
        int eventBatches,
        int jmhForks,
        int jmhWarmups,
        int jmhIterations,
        Duration jmhTime) {

    /** Events per batch in row 4: well under Artery's outbound queue (3072), so none is dropped for lack of room. */
    public static final int BATCH = 1000;

    /** Several minutes: long windows, three formations each, the process row, JMH in forks with a 256 MB heap. */
    public static BenchSettings full() {
        return new BenchSettings("full", Duration.ofSeconds(30), 3, true, 100, 1, 5, 10, Duration.ofSeconds(1));
    }

    /** Under a minute on 2 cores: short windows, one formation each, no process row, JMH in this JVM. */
    public static BenchSettings quick() {
        return new BenchSettings("quick", Duration.ofSeconds(4), 1, false, 20, 0, 2, 3, Duration.ofMillis(300));
    }

    /** The smallest bench that still measures every row it shows (the smoke test). */
    public static BenchSettings tiny() {
        return new BenchSettings("tiny", Duration.ofMillis(400), 1, false, 1, 0, 0, 1, Duration.ofMillis(100));
    }
}
