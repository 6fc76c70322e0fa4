package org.memtypelab.lab.campaign;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.RunOutcome;

/**
 * What a campaign keeps of one finished run (the run's directory keeps everything).
 *
 * @param run 0 for the cell's oracle run, 1.. for its faulty runs
 * @param dir the run directory, relative to the campaign directory
 * @param incomplete why the run could not complete (exit 3); empty when it completed
 * @param nodesLost nodes the run killed and did not restart (it ended first): the cluster needs them back
 * @param outcomes each step's outcome ({@code ok}, {@code failed} or the errno), to tell whether a fault changed what
 *     the scenario did (a restarted node lost its state) and the oracle no longer applies
 * @param truthMissed hazards the run's traces prove existed that the monitor did not report
 * @param truthFalse hazards the monitor reported that the traces do not support
 */
public record RunRecord(
        int cell,
        int run,
        long seed,
        String dir,
        Verdict verdict,
        Set<HazardId> hazards,
        String incomplete,
        long wallMillis,
        List<String> nodesLost,
        List<String> outcomes,
        Set<HazardId> truthMissed,
        Set<HazardId> truthFalse) {

    public RunRecord {
        hazards = Set.copyOf(hazards);
        nodesLost = List.copyOf(nodesLost);
        outcomes = List.copyOf(outcomes);
        truthMissed = Set.copyOf(truthMissed);
        truthFalse = Set.copyOf(truthFalse);
    }

    /** The record of a run the conductor finished, completed or not, with its trace-truth comparison if any. */
    static RunRecord of(int cell, int run, long seed, String dir, RunOutcome outcome, RunResult.TruthEntry truth) {
        boolean reported = outcome.report() != null;
        List<Hazard> hazards = reported ? outcome.report().hazards() : List.of();
        Set<HazardId> ids = new TreeSet<>();
        hazards.forEach(h -> ids.add(HazardId.of(h)));
        String incomplete =
                !outcome.incomplete().isEmpty() ? outcome.incomplete() : (reported ? "" : "the monitor gave no report");
        return new RunRecord(
                cell,
                run,
                seed,
                dir,
                reported ? outcome.report().verdict() : Verdict.UNKNOWN,
                ids,
                incomplete,
                outcome.wallMillis(),
                outcome.nodesLost(),
                outcome.steps().stream()
                        .map(st -> st.errno().isEmpty() ? (st.ok() ? "ok" : "failed") : st.errno())
                        .toList(),
                truth == null ? Set.of() : ids(truth.missed()),
                truth == null ? Set.of() : ids(truth.falseAlarms()));
    }

    /** The record of a run an earlier, interrupted invocation finished, read back from its result.json. */
    static RunRecord fromResult(int cell, int run, String dir, RunResult r) {
        String incomplete = r.complete()
                ? ""
                : (r.incomplete() == null || r.incomplete().isEmpty() ? "the monitor gave no report" : r.incomplete());
        return new RunRecord(
                cell,
                run,
                r.seed(),
                dir,
                Verdict.parse(r.verdict()).orElse(Verdict.UNKNOWN),
                ids(r.hazards()),
                incomplete,
                r.wallMs(),
                r.nodesLost() == null ? List.of() : r.nodesLost(),
                r.steps().stream()
                        .map(st ->
                                st.errno() == null || st.errno().isEmpty() ? (st.ok() ? "ok" : "failed") : st.errno())
                        .toList(),
                r.truth() == null ? Set.of() : ids(r.truth().missed()),
                r.truth() == null ? Set.of() : ids(r.truth().falseAlarms()));
    }

    private static Set<HazardId> ids(Collection<RunResult.HazardEntry> hazards) {
        Set<HazardId> out = new TreeSet<>();
        hazards.forEach(h -> out.add(new HazardId(h.buffer(), h.between(), h.kind())));
        return out;
    }

    /** True when the run completed and can be compared with its oracle. */
    public boolean complete() {
        return incomplete.isEmpty();
    }

    /** The oracle's run of a cell. */
    public boolean oracle() {
        return run == 0;
    }
}
