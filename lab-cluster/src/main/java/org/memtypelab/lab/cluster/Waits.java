package org.memtypelab.lab.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a run or a forming cluster is waiting for right now, so that a console can say so once a wait grows long. The
 * waiting side calls {@link #on} and {@link #off}; any thread may read {@link #current}. A reader that holds this
 * object's monitor while it prints sees no wait end in between: once {@link #off} returned, nothing prints it.
 */
public final class Waits {

    /** One wait: what for, and since when ({@link System#nanoTime}). */
    public record Wait(String what, long sinceNanos) {

        /** How long it has lasted so far. */
        public Duration age() {
            return Duration.ofNanos(System.nanoTime() - sinceNanos);
        }
    }

    private final AtomicReference<Wait> current = new AtomicReference<>();

    /** Now waiting for {@code what} (in plain words: "kvm-node to answer step 3 (map-blob)"). */
    public synchronized void on(String what) {
        current.set(new Wait(what, System.nanoTime()));
    }

    /** No longer waiting. */
    public synchronized void off() {
        current.set(null);
    }

    /** The wait in progress, if any. */
    public Optional<Wait> current() {
        return Optional.ofNullable(current.get());
    }
}
