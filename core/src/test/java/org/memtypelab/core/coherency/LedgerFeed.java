package org.memtypelab.core.coherency;

import java.util.HashMap;
import java.util.Map;

/**
 * Feeds node outcomes into a {@link CoherencyLedger} as the monitor would receive them: each call is the next
 * conductor step, each observation an {@link Event} with the node's next sequence number and a rising Lamport clock.
 */
public final class LedgerFeed {

    private final Coherence coherence;
    private final CoherencyLedger ledger = new CoherencyLedger();
    private final Map<String, Long> seqs = new HashMap<>();
    private int step;
    private long lamport;

    public LedgerFeed(Coherence coherence) {
        this.coherence = coherence;
    }

    /** Delivers every observation of {@code outcome} as one new step from {@code node}; returns the outcome. */
    public Outcome step(String node, Outcome outcome) {
        step++;
        for (Observation o : outcome.observations()) {
            long seq = seqs.merge(node, 1L, Long::sum);
            ledger.add(new Event(node, 1, seq, step, ++lamport, o));
        }
        return outcome;
    }

    /** The step number the last {@link #step} call used. */
    public int currentStep() {
        return step;
    }

    public CoherencyLedger ledger() {
        return ledger;
    }

    public CoherencyLedger.Report report() {
        return ledger.assess(coherence);
    }
}
