package org.memtypelab.runtime.cluster;

import java.time.Duration;
import java.util.Optional;

/**
 * The one factor every time bound of the lab scales with (like Pekko's test time factor): the conductor's waits, the
 * cluster's formation timeout, scenario fault delays, the failure detector's acceptable heartbeat pause and the split
 * brain resolver's stable-after. A busy machine or CI raises it with the environment variable
 * {@value #ENV} (or the system property {@value #PROPERTY}); child JVMs of process mode inherit it.
 */
public final class TimeFactor {

    /** The environment variable users and CI set. */
    public static final String ENV = "MEMTYPE_LAB_TIME_FACTOR";

    /** The system property, which wins over the environment variable. */
    public static final String PROPERTY = "memtype-lab.time-factor";

    /** The allowed range: below 1 the lab's own bounds would undercut a loaded machine; above 100 runs never end. */
    static final double MIN = 1;

    static final double MAX = 100;

    private TimeFactor() {}

    /** The factor in effect; 1 when unset. A value {@link #problem()} rejects also counts as 1. */
    public static double current() {
        return parse(raw()).orElse(1.0);
    }

    /** Why the configured factor cannot be used, in plain words; empty when it can (or is unset). */
    public static Optional<String> problem() {
        String raw = raw();
        if (raw == null || parse(raw).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("time factor '" + raw + "' (" + source() + ") is not a number from " + (int) MIN + " to "
                + (int) MAX + "; allowed: e.g. " + ENV + "=2 on a loaded machine, or unset it");
    }

    /** {@code d} scaled by the factor in effect. */
    public static Duration scale(Duration d) {
        return scale(d, current());
    }

    /** {@code d} scaled by {@code factor}. */
    public static Duration scale(Duration d, double factor) {
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    /** {@code ms} scaled by the factor in effect. */
    public static long scaleMillis(long ms) {
        return Math.round(ms * current());
    }

    static Optional<Double> parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            double f = Double.parseDouble(raw.trim());
            return f >= MIN && f <= MAX ? Optional.of(f) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String raw() {
        String p = System.getProperty(PROPERTY);
        return p != null ? p : System.getenv(ENV);
    }

    private static String source() {
        return System.getProperty(PROPERTY) != null ? "system property " + PROPERTY : "environment variable " + ENV;
    }
}
