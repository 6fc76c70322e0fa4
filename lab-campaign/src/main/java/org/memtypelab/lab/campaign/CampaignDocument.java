package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.memtypelab.core.coherency.Verdict;

/** Builds campaign.json (SCENARIOS.md "Campaign spec": one row per cell) as ordered maps, ready for Jackson. */
public final class CampaignDocument {

    private CampaignDocument() {}

    /** The directory of a cell's runs, relative to the campaign directory. */
    static String cellDir(Cell c) {
        return "runs/" + c.id();
    }

    /** The document of a campaign, finished or not. */
    public static Map<String, Object> of(CampaignResult r) {
        CampaignSpec spec = r.campaign().spec();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("campaign", spec.name());
        doc.put("description", spec.description());
        doc.put("spec", spec.sourceFile());
        doc.put("base", r.campaign().base());
        doc.put("seed", spec.seed());
        doc.put("nodes", r.nodes());
        doc.put("parallel", r.parallel());
        Map<String, Object> faults = new LinkedHashMap<>();
        faults.put("messages", spec.faults().messages());
        faults.put("kills", spec.faults().kills());
        faults.put("partitions", spec.faults().partitions());
        faults.put("runs_per_cell", spec.faults().runsPerCell());
        doc.put("faults", faults);
        doc.put("complete", !r.interrupted() && r.runsDone() == r.runsPlanned());
        doc.put("interrupted", r.interrupted());
        doc.put("runs_planned", r.runsPlanned());
        doc.put("runs_done", r.runsDone());
        doc.put("wall_ms", r.wallMillis());
        Map<String, Object> clusters = new LinkedHashMap<>();
        clusters.put("formed", r.clustersFormed());
        clusters.put("restarts", r.clusterRestarts());
        clusters.put("errors", r.clusterErrors());
        doc.put("clusters", clusters);
        doc.put("totals", totals(r));
        List<Map<String, Object>> cells = new ArrayList<>();
        for (CellResult c : r.cells()) {
            cells.add(cell(c, spec.faults().runsPerCell()));
        }
        doc.put("cells", cells);
        doc.put("exit_code", r.exitCode());
        return doc;
    }

    private static Map<String, Object> totals(CampaignResult r) {
        Map<String, Object> t = new LinkedHashMap<>();
        Map<String, Integer> verdicts = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            verdicts.put(
                    v.label(),
                    r.cells().stream().mapToInt(c -> c.verdicts().get(v)).sum());
        }
        long skipped =
                r.cells().stream().filter(c -> c.cell() instanceof Cell.Skipped).count();
        t.put("cells", r.cells().size());
        t.put("cells_run", r.cells().size() - skipped);
        t.put("cells_skipped", skipped);
        t.put("runs", r.cells().stream().mapToInt(c -> c.runs().size()).sum());
        t.put("verdicts", verdicts);
        t.put("missed", r.cells().stream().mapToInt(c -> c.missed().size()).sum());
        t.put("false", r.cells().stream().mapToInt(c -> c.falseHazards().size()).sum());
        t.put("exit3", r.cells().stream().mapToInt(CellResult::exit3).sum());
        t.put("diverged", r.cells().stream().mapToInt(CellResult::diverged).sum());
        t.put(
                "truth_mismatches",
                r.cells().stream().mapToInt(c -> c.truthMismatches().size()).sum());
        t.put("cells_failed", r.cells().stream().filter(CellResult::failed).count());
        return t;
    }

    private static Map<String, Object> cell(CellResult c, int runsPerCell) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cell", c.cell().id());
        m.put("index", c.cell().index());
        m.put("values", c.cell().values());
        if (c.cell() instanceof Cell.Skipped s) {
            m.put("status", "skipped");
            m.put("reason", s.reason());
            return m;
        }
        m.put("status", status(c, runsPerCell));
        m.put("dir", cellDir(c.cell()));
        m.put("oracle", c.oracle().map(CampaignDocument::oracle).orElse(null));
        m.put("runs", c.runs().size());
        Map<String, Integer> verdicts = new LinkedHashMap<>();
        c.verdicts().forEach((v, n) -> verdicts.put(v.label(), n));
        m.put("verdicts", verdicts);
        Map<String, Integer> hazards = new TreeMap<>();
        c.runs().stream()
                .filter(RunRecord::complete)
                .forEach(run -> run.hazards().forEach(h -> hazards.merge(h.toString(), 1, Integer::sum)));
        m.put("hazards", hazards);
        m.put("missed", c.missed().size());
        m.put("false", c.falseHazards().size());
        m.put("exit3", c.exit3());
        m.put("diverged", c.diverged());
        m.put("truth_mismatches", c.truthMismatches().size());
        m.put("mean_ms", Math.round(c.meanMillis() * 10) / 10.0);
        m.put("p99_ms", c.p99Millis());
        m.put("failures", failures(c));
        return m;
    }

    /** {@code passed}, {@code failed}, {@code oracle-incomplete}, or {@code partial} (not every run finished). */
    private static String status(CellResult c, int runsPerCell) {
        if (c.oracle().filter(o -> !o.complete()).isPresent()) {
            return "oracle-incomplete";
        }
        if (c.failed()) {
            return "failed";
        }
        return c.oracle().isPresent() && c.runs().size() == runsPerCell ? "passed" : "partial";
    }

    private static Map<String, Object> oracle(RunRecord o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", o.verdict().label());
        List<Map<String, Object>> hazards = new ArrayList<>();
        for (HazardId h : new TreeSet<>(o.hazards())) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("buffer", h.buffer());
            j.put("between", h.between());
            j.put("kind", h.kind());
            hazards.add(j);
        }
        m.put("hazards", hazards);
        m.put("complete", o.complete());
        if (!o.complete()) {
            m.put("incomplete", o.incomplete());
        }
        m.put("seed", o.seed());
        m.put("wall_ms", o.wallMillis());
        m.put("dir", o.dir());
        return m;
    }

    private static List<Map<String, Object>> failures(CellResult c) {
        List<Map<String, Object>> out = new ArrayList<>();
        c.oracle()
                .filter(o -> !o.complete())
                .ifPresent(o -> out.add(failure(o, "oracle run incomplete: " + o.incomplete())));
        for (CellResult.Mismatch m : c.missed()) {
            out.add(failure(m.run(), "missed " + m.hazard()));
        }
        for (CellResult.Mismatch m : c.falseHazards()) {
            out.add(failure(m.run(), "false " + m.hazard()));
        }
        for (CellResult.Mismatch m : c.truthMismatches()) {
            out.add(failure(m.run(), "monitor vs traces " + m.hazard()));
        }
        for (RunRecord r : c.runs()) {
            if (!r.complete()) {
                out.add(failure(r, "exit 3: " + r.incomplete()));
            }
        }
        out.sort(Comparator.comparingInt(f -> (Integer) f.get("run")));
        return out;
    }

    private static Map<String, Object> failure(RunRecord r, String why) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.run());
        m.put("seed", r.seed());
        m.put("dir", r.dir());
        m.put("why", why);
        return m;
    }
}
