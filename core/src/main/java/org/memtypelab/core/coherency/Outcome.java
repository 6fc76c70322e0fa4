package org.memtypelab.core.coherency;

import java.util.List;

/** What a node's model did with one command: whether it worked, a sentence saying what happened, and what the
 * coherency monitor must hear about it. */
public record Outcome(boolean ok, String detail, List<Observation> observations) {

    public Outcome {
        observations = List.copyOf(observations);
    }

    public static Outcome ok(String detail, List<Observation> observations) {
        return new Outcome(true, detail, observations);
    }

    public static Outcome ok(String detail) {
        return new Outcome(true, detail, List.of());
    }

    public static Outcome failed(String detail) {
        return new Outcome(false, detail, List.of());
    }

    public static Outcome failed(String detail, List<Observation> observations) {
        return new Outcome(false, detail, observations);
    }
}
