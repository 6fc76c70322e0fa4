package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.memtypelab.lab.cluster.Waits;

/**
 * Says on the console what a run or a forming cluster is waiting for, once a wait has lasted {@link #AFTER}, and
 * again every {@link #EVERY} while it goes on; short waits print nothing, so a healthy run stays quiet.
 */
final class WaitNotes implements AutoCloseable {

    static final Duration AFTER = Duration.ofSeconds(3);
    static final Duration EVERY = Duration.ofSeconds(5);

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wait-notes");
        t.setDaemon(true);
        return t;
    });
    private final PrintWriter err;
    private Waits.Wait noted;
    private long notedAtNanos;

    private WaitNotes(PrintWriter err) {
        this.err = err;
    }

    /** Watches {@code waits} until closed. */
    static WaitNotes watch(Waits waits, PrintWriter err) {
        WaitNotes notes = new WaitNotes(err);
        notes.ticker.scheduleWithFixedDelay(() -> notes.tick(waits), 250, 250, TimeUnit.MILLISECONDS);
        return notes;
    }

    private void tick(Waits waits) {
        // under the waits' monitor: a wait that ended (the run printed its summary after) is never printed late
        synchronized (waits) {
            Waits.Wait w = waits.current().orElse(null);
            if (w == null || w.age().compareTo(AFTER) < 0) {
                return;
            }
            long now = System.nanoTime();
            if (w.equals(noted) && now - notedAtNanos < EVERY.toNanos()) {
                return;
            }
            noted = w;
            notedAtNanos = now;
            err.println("memtype-lab: waiting for " + w.what() + " (" + w.age().toSeconds() + " s)");
            err.flush();
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
