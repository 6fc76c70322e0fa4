package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.CampaignSummary;

/** Builds campaign.json (SCENARIOS.md "Campaign spec": one row per cell) from a campaign's outcome. */
public final class CampaignDocument {

    private CampaignDocument() {}

    /** The directory of a cell's runs, relative to the campaign directory. */
    public static String cellDir(Cell c) {
        return "runs/" + c.id();
    }

    /** The document of a campaign, finished or not. */
    public static CampaignSummary of(CampaignResult r) {
        CampaignSpec spec = r.campaign().spec();
        CampaignSpec.Faults f = spec.faults();
        List<CampaignSummary.CellEntry> cells = new ArrayList<>();
        for (CellResult c : r.cells()) {
            cells.add(cell(c, f.runsPerCell()));
        }
        return new CampaignSummary(
                spec.name(),
                spec.description(),
                spec.sourceFile(),
                r.campaign().base(),
                spec.seed(),
                r.nodes(),
                r.parallel(),
                new CampaignSummary.FaultsEntry(f.messages(), f.kills(), f.partitions(), f.runsPerCell()),
                !r.interrupted() && r.runsDone() == r.runsPlanned(),
                r.interrupted(),
                r.runsPlanned(),
                r.runsDone(),
                r.wallMillis(),
                new CampaignSummary.ClustersEntry(
                        r.clustersFormed(), r.clusterRestarts(), r.clusterProbes(), r.clusterErrors()),
                totals(r),
                cells,
                r.exitCode());
    }

    private static CampaignSummary.TotalsEntry totals(CampaignResult r) {
        Map<String, Integer> verdicts = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            verdicts.put(
                    v.label(),
                    r.cells().stream().mapToInt(c -> c.verdicts().get(v)).sum());
        }
        int skipped = (int)
                r.cells().stream().filter(c -> c.cell() instanceof Cell.Skipped).count();
        return new CampaignSummary.TotalsEntry(
                r.cells().size(),
                r.cells().size() - skipped,
                skipped,
                r.cells().stream().mapToInt(c -> c.runs().size()).sum(),
                verdicts,
                r.cells().stream().mapToInt(c -> c.missed().size()).sum(),
                r.cells().stream().mapToInt(c -> c.falseHazards().size()).sum(),
                r.cells().stream().mapToInt(CellResult::exit3).sum(),
                r.cells().stream().mapToInt(CellResult::diverged).sum(),
                r.cells().stream().mapToInt(c -> c.truthMismatches().size()).sum(),
                (int) r.cells().stream().filter(CellResult::failed).count());
    }

    private static CampaignSummary.CellEntry cell(CellResult c, int runsPerCell) {
        Cell cell = c.cell();
        if (cell instanceof Cell.Skipped s) {
            return new CampaignSummary.SkippedCell(s.id(), s.index(), s.values(), s.reason());
        }
        Map<String, Integer> verdicts = new LinkedHashMap<>();
        c.verdicts().forEach((v, n) -> verdicts.put(v.label(), n));
        Map<String, Integer> hazards = new TreeMap<>();
        c.runs().stream()
                .filter(RunRecord::complete)
                .forEach(run -> run.hazards().forEach(h -> hazards.merge(h.toString(), 1, Integer::sum)));
        return new CampaignSummary.PlayedCell(
                cell.id(),
                cell.index(),
                cell.values(),
                status(c, runsPerCell),
                cellDir(cell),
                c.oracle().map(CampaignDocument::oracle).orElse(null),
                c.runs().size(),
                verdicts,
                hazards,
                c.missed().size(),
                c.falseHazards().size(),
                c.exit3(),
                c.diverged(),
                c.truthMismatches().size(),
                Math.round(c.meanMillis() * 10) / 10.0,
                c.p99Millis(),
                failures(c));
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

    private static CampaignSummary.OracleEntry oracle(RunRecord o) {
        List<CampaignSummary.HazardIdEntry> hazards = new ArrayList<>();
        for (HazardId h : new TreeSet<>(o.hazards())) {
            hazards.add(new CampaignSummary.HazardIdEntry(h.buffer(), h.between(), h.kind()));
        }
        return new CampaignSummary.OracleEntry(
                o.verdict().label(),
                hazards,
                o.complete(),
                o.complete() ? null : o.incomplete(),
                o.seed(),
                o.wallMillis(),
                o.dir());
    }

    private static List<CampaignSummary.FailureEntry> failures(CellResult c) {
        List<CampaignSummary.FailureEntry> out = new ArrayList<>();
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
        out.sort(Comparator.comparingInt(CampaignSummary.FailureEntry::run));
        return out;
    }

    private static CampaignSummary.FailureEntry failure(RunRecord r, String why) {
        return new CampaignSummary.FailureEntry(r.run(), r.seed(), r.dir(), why);
    }
}
