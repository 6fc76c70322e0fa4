package org.memtypelab.core.coherency;

import java.util.Optional;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** A buffer's or a run's verdict, ordered from best to worst (SCENARIOS.md result document). */
public enum Verdict implements Labelled {
    /** All mappings of every buffer agree. */
    CONSISTENT,
    /** Types differ but the platform keeps them coherent. */
    BENIGN_ALIAS,
    /** Some mapping's type is a cell DOMAIN.md marks unverified: neither consistent nor a proven hazard. */
    UNKNOWN,
    /** Stale data is possible. */
    HAZARD;

    /** The worse of two verdicts. */
    public Verdict worst(Verdict other) {
        return compareTo(other) >= 0 ? this : other;
    }

    public static Optional<Verdict> parse(String s) {
        return Labels.parse(Verdict.class, s);
    }

    public static String allowed() {
        return Labels.allowed(Verdict.class);
    }
}
