package org.memtypelab.lab.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.scenario.Scenario;

/** Builds result.json (SCENARIOS.md "Result document") as ordered maps, ready for Jackson. */
public final class ResultDocument {

    private ResultDocument() {}

    /** The document of one run. */
    public static Map<String, Object> of(
            Scenario scenario, long seed, String nodes, RunOutcome run, List<String> fails) {
        return of(scenario, seed, nodes, run, fails, null);
    }

    /** The document of one run, with the trace-truth comparison when there is one. */
    public static Map<String, Object> of(
            Scenario scenario,
            long seed,
            String nodes,
            RunOutcome run,
            List<String> fails,
            TraceTruth.Comparison truth) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario.name());
        doc.put("seed", seed);
        doc.put("nodes", nodes);
        boolean complete = run.incomplete().isEmpty() && run.report() != null;
        Verdict verdict = run.report() == null ? Verdict.UNKNOWN : run.report().verdict();
        doc.put("verdict", verdict.label());
        doc.put(
                "mappings",
                run.report() == null ? List.of() : mappings(run.report().mappings()));
        doc.put(
                "hazards",
                run.report() == null ? List.of() : hazards(run.report().hazards()));
        Map<String, Object> migration = new LinkedHashMap<>();
        migration.put("status", run.migration().status().label());
        migration.put("reason", run.migration().reason());
        doc.put("migration", migration);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepRecord s : run.steps()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", s.n());
            m.put("kind", s.kind());
            m.put("ok", s.ok());
            if (!s.errno().isEmpty()) {
                m.put("errno", s.errno());
            }
            m.put("node", s.node());
            m.put("detail", s.detail());
            steps.add(m);
        }
        doc.put("steps", steps);
        Map<String, Object> expect = new LinkedHashMap<>();
        expect.put("held", fails.isEmpty());
        expect.put("failures", fails);
        doc.put("expect", expect);
        Map<String, Object> faults = new LinkedHashMap<>();
        faults.put("planned", scenario.faults().size());
        faults.put(
                "injected",
                run.injected().values().stream().mapToInt(Integer::intValue).sum());
        faults.putAll(run.injected());
        doc.put("faults", faults);
        doc.put("nodes_lost", run.nodesLost());
        doc.put("complete", complete);
        if (!complete) {
            doc.put("incomplete", run.incomplete());
        }
        if (run.report() != null) {
            doc.put("notes", run.report().notes());
            if (truth != null) {
                // the monitor checked against every event the nodes acted on (their traces)
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("verdict", truth.truth().verdict().label());
                t.put("missed", hazards(truth.missed()));
                t.put("false", hazards(truth.falseAlarms()));
                doc.put("truth", t);
            }
            // ordered maps, not Map.of: its iteration order changes from JVM to JVM, and so would result.json
            Map<String, Object> monitor = new LinkedHashMap<>();
            monitor.put("events", run.report().events());
            monitor.put("unobserved", run.report().unobserved());
            doc.put("monitor", monitor);
        }
        doc.put("wall_ms", run.wallMillis());
        return doc;
    }

    static List<Map<String, Object>> mappings(List<Mapping> mappings) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Mapping m : mappings) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("buffer", m.buffer());
            j.put("who", m.who().label());
            if (m.type() instanceof MappingType.Dma d) {
                j.put("snoop", d.snoop());
            } else {
                j.put("type", m.type().label());
            }
            if (m.type() instanceof MappingType.Guest g) {
                Map<String, Object> ept = new LinkedHashMap<>();
                ept.put("type", g.ept().type().label());
                ept.put("ipat", g.ept().ipat());
                j.put("ept", ept);
            }
            if (m.type() instanceof MappingType.Unverified u) {
                j.put("why", u.why());
            }
            if (m.who() == Who.QEMU && !m.dereferenced()) {
                j.put("dereferenced", false);
            }
            out.add(j);
        }
        return out;
    }

    static List<Map<String, Object>> hazards(List<Hazard> hazards) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Hazard h : hazards) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("buffer", h.buffer());
            j.put("between", h.between().stream().map(Who::label).toList());
            j.put("types", h.types());
            j.put("kind", h.kind().label());
            j.put("step", h.step());
            j.put("witness", h.witness());
            out.add(j);
        }
        return out;
    }
}
