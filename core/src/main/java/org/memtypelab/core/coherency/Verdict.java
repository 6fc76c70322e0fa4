package org.memtypelab.core.coherency;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** A buffer's or a run's verdict, ordered from best to worst (SCENARIOS.md result document). */
public enum Verdict {
    /** All mappings of every buffer agree. */
    CONSISTENT("consistent"),
    /** Types differ but the platform keeps them coherent. */
    BENIGN_ALIAS("benign-alias"),
    /** Some mapping's type is a cell DOMAIN.md marks unverified: neither consistent nor a proven hazard. */
    UNKNOWN("unknown"),
    /** Stale data is possible. */
    HAZARD("hazard");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The worse of two verdicts. */
    public Verdict worst(Verdict other) {
        return compareTo(other) >= 0 ? this : other;
    }

    public static Optional<Verdict> parse(String s) {
        return Arrays.stream(values())
                .filter(v -> v.label.equalsIgnoreCase(s == null ? "" : s.trim()))
                .findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Verdict::label).collect(Collectors.joining(", "));
    }
}
