package org.memtypelab.documents;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Hazard;

/**
 * The ground truth of a run: every event each node acted on is in its trace (written and flushed before acting), so
 * replaying all trace events through the monitor's own ledger says which hazards really existed - whatever messages
 * the faults lost. Comparing it with the monitor's report checks the monitor: it may never miss one.
 */
public final class TraceTruth {

    /** The truth's hazards, and how the monitor's report differs from it (by buffer, pair and kind). */
    public record Comparison(CoherencyLedger.Report truth, List<Hazard> missed, List<Hazard> falseAlarms) {}

    private TraceTruth() {}

    /** All node events recorded in trace lines {@code traces}, judged on {@code platform}. */
    public static CoherencyLedger.Report assess(List<TraceLine> traces, Coherence platform) {
        CoherencyLedger ledger = new CoherencyLedger();
        for (TraceLine line : traces) {
            if (line instanceof TraceLine.Event e) {
                ledger.add(new Event(e.node(), e.incarnation(), e.seq(), e.step(), e.lamport(), e.observation()));
            }
        }
        return ledger.assess(platform);
    }

    /** Compares the monitor's hazards with the truth of the same run, read from {@code dir}'s traces. */
    public static Comparison compare(Path dir, Coherence platform, Collection<Hazard> reported) {
        return compare(RunFiles.traces(dir), platform, reported);
    }

    /** Compares the monitor's hazards with the truth of the run whose trace lines are {@code traces}. */
    public static Comparison compare(List<TraceLine> traces, Coherence platform, Collection<Hazard> reported) {
        CoherencyLedger.Report truth = assess(traces, platform);
        Set<String> real = keys(truth.hazards());
        Set<String> seen = keys(reported);
        List<Hazard> missed =
                truth.hazards().stream().filter(h -> !seen.contains(h.key())).toList();
        List<Hazard> falseAlarms =
                reported.stream().filter(h -> !real.contains(h.key())).toList();
        return new Comparison(truth, missed, falseAlarms);
    }

    /** A hazard's identity across runs: buffer, pair and kind. */
    public static Set<String> keys(Collection<Hazard> hazards) {
        Set<String> out = new TreeSet<>();
        hazards.forEach(h -> out.add(h.key()));
        return out;
    }
}
