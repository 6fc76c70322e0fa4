package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.memtypelab.core.coherency.Verdict;

/**
 * One cell's runs compared with its oracle. A faulty run that completed and did what the oracle did (same step
 * outcomes) must report exactly the oracle's hazards: an oracle hazard it lacks is <em>missed</em> (SCENARIOS.md
 * "Faults": never consistent where a hazard existed), a hazard the oracle lacks is <em>false</em>. A run whose faults
 * changed what the scenario did (a restarted node lost its state, so later steps failed) has no oracle: it is counted
 * as <em>diverged</em>. Every completed run is also checked against its own traces (what the nodes acted on): a
 * hazard the traces prove and the monitor did not report is missed too. Runs that did not complete (exit 3) are
 * counted, not compared.
 *
 * @param runs the faulty runs finished so far, by run number
 */
public record CellResult(Cell cell, Optional<RunRecord> oracle, List<RunRecord> runs) {

    /** A hazard a run got wrong. */
    public record Mismatch(RunRecord run, HazardId hazard) {}

    public CellResult {
        runs = List.copyOf(runs);
    }

    /** Faulty runs by verdict, completed runs only; every verdict present, in {@link Verdict} order. */
    public Map<Verdict, Integer> verdicts() {
        Map<Verdict, Integer> out = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            out.put(v, 0);
        }
        runs.stream().filter(RunRecord::complete).forEach(r -> out.merge(r.verdict(), 1, Integer::sum));
        return out;
    }

    /** Completed faulty runs whose step outcomes differ from the oracle's, so the oracle does not apply. */
    public int diverged() {
        return (int) runs.stream().filter(this::diverges).count();
    }

    private boolean diverges(RunRecord r) {
        return r.complete() && comparable() && !r.outcomes().equals(oracle.get().outcomes());
    }

    /** Hazards completed runs' own traces prove that their monitor did not report, and reports the traces deny. */
    public List<Mismatch> truthMismatches() {
        List<Mismatch> out = new ArrayList<>();
        for (RunRecord r : runs) {
            if (r.complete()) {
                r.truthMissed().forEach(h -> out.add(new Mismatch(r, h)));
                r.truthFalse().forEach(h -> out.add(new Mismatch(r, h)));
            }
        }
        return out;
    }

    /** Faulty runs that did not complete. */
    public int exit3() {
        return (int) runs.stream().filter(r -> !r.complete()).count();
    }

    /** True when the oracle ran and completed, so the faulty runs can be compared with it. */
    public boolean comparable() {
        return oracle.filter(RunRecord::complete).isPresent();
    }

    /** Oracle hazards absent from completed faulty runs. */
    public List<Mismatch> missed() {
        return mismatches(true);
    }

    /** Hazards of completed faulty runs that the oracle does not have. */
    public List<Mismatch> falseHazards() {
        return mismatches(false);
    }

    private List<Mismatch> mismatches(boolean missed) {
        if (!comparable()) {
            return List.of();
        }
        Set<HazardId> reference = oracle.get().hazards();
        List<Mismatch> out = new ArrayList<>();
        for (RunRecord r : runs) {
            if (!r.complete() || diverges(r)) {
                continue;
            }
            Set<HazardId> from = new TreeSet<>(missed ? reference : r.hazards());
            from.removeAll(missed ? r.hazards() : reference);
            from.forEach(h -> out.add(new Mismatch(r, h)));
        }
        return out;
    }

    /** True when this cell makes the campaign fail: a mismatch, or an oracle run that did not complete. */
    public boolean failed() {
        return !missed().isEmpty()
                || !falseHazards().isEmpty()
                || !truthMismatches().isEmpty()
                || oracle.filter(o -> !o.complete()).isPresent();
    }

    /** Mean wall time of the faulty runs, ms; 0 without runs. */
    public double meanMillis() {
        return runs.stream().mapToLong(RunRecord::wallMillis).average().orElse(0);
    }

    /** 99th percentile (nearest rank) of the faulty runs' wall time, ms; 0 without runs. */
    public long p99Millis() {
        long[] sorted = runs.stream().mapToLong(RunRecord::wallMillis).sorted().toArray();
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
    }
}
