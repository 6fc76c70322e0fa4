package org.memtypelab.lab.run;

import java.util.List;
import java.util.Map;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.documents.RunResult;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.scenario.Scenario;

/** Builds result.json (docs/scenarios.md "Result document") from a run's outcome. */
public final class ResultDocument {

    private ResultDocument() {}

    /** The document of one run, with the trace-truth comparison when there is one ({@code null} otherwise). */
    /** The verdict of a run that could not complete (exit 3). */
    public static final String INCOMPLETE = "incomplete";

    public static RunResult of(
            Scenario scenario,
            long seed,
            String nodes,
            RunOutcome run,
            List<String> fails,
            TraceTruth.Comparison truth) {
        boolean complete = run.incomplete().isEmpty() && run.report() != null;
        // SCENARIOS.md: a run that could not complete has verdict "incomplete", never a domain verdict, and its
        // expectations are not checked
        String verdict = complete ? run.report().verdict().label() : INCOMPLETE;
        int injected =
                run.injected().values().stream().mapToInt(Integer::intValue).sum();
        return new RunResult(
                scenario.name(),
                seed,
                nodes,
                verdict,
                run.report() == null ? List.of() : mappings(run.report().mappings()),
                run.report() == null ? List.of() : hazards(run.report().hazards()),
                new RunResult.MigrationEntry(
                        run.migration().status().label(), run.migration().reason()),
                run.steps().stream()
                        .map(s -> new RunResult.StepEntry(
                                s.n(), s.kind(), s.ok(), s.errno().isEmpty() ? null : s.errno(), s.node(), s.detail()))
                        .toList(),
                complete ? new RunResult.ExpectEntry(fails.isEmpty(), fails) : RunResult.ExpectEntry.notChecked(),
                new RunResult.FaultCounts(scenario.faults().size(), injected, Map.copyOf(run.injected())),
                run.nodesLost(),
                complete,
                complete ? null : run.incomplete(),
                run.report() == null ? null : run.report().notes(),
                run.report() == null || truth == null
                        ? null
                        : new RunResult.TruthEntry(
                                truth.truth().verdict().label(), hazards(truth.missed()), hazards(truth.falseAlarms())),
                run.report() == null
                        ? null
                        : new RunResult.MonitorEntry(
                                run.report().events(), run.report().unobserved()),
                run.wallMillis(),
                null);
    }

    /**
     * {@code result} with what the private network and the cluster did ({@code --network isolated}), if the run in
     * {@code dir} had network faults.
     */
    public static RunResult onNetwork(RunResult result, java.nio.file.Path dir) {
        return org.memtypelab.lab.network.PrivateNetwork.read(dir)
                .map(result::onNetwork)
                .orElse(result);
    }

    static List<RunResult.MappingEntry> mappings(List<Mapping> mappings) {
        return mappings.stream().map(ResultDocument::mapping).toList();
    }

    private static RunResult.MappingEntry mapping(Mapping m) {
        MappingType t = m.type();
        return new RunResult.MappingEntry(
                m.buffer(),
                m.who().label(),
                t instanceof MappingType.Dma d ? d.snoop() : null,
                t instanceof MappingType.Dma ? null : t.label(),
                t instanceof MappingType.Guest g
                        ? new RunResult.EptEntry(g.ept().type().label(), g.ept().ipat())
                        : null,
                t instanceof MappingType.Unverified u ? u.why() : null,
                m.who() == Who.QEMU && !m.dereferenced() ? Boolean.FALSE : null);
    }

    static List<RunResult.HazardEntry> hazards(List<Hazard> hazards) {
        return hazards.stream()
                .map(h -> new RunResult.HazardEntry(
                        h.buffer(),
                        h.between().stream().map(Who::label).toList(),
                        h.types(),
                        h.kind().label(),
                        h.step(),
                        h.witness()))
                .toList();
    }
}
