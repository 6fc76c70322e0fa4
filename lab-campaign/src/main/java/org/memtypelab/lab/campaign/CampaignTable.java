package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.memtypelab.core.coherency.Verdict;

/** The one-screen summary printed after a campaign: one row per cell that ran, then totals and what went wrong. */
public final class CampaignTable {

    static final int MAX_ID = 36;
    static final int MAX_LISTED = 6;
    static final int MAX_ROWS = 30;

    private CampaignTable() {}

    public static String render(CampaignResult r, String dir) {
        StringBuilder sb = new StringBuilder();
        CampaignSpec spec = r.campaign().spec();
        sb.append("campaign  ")
                .append(spec.name())
                .append("  (base ")
                .append(r.campaign().base())
                .append(", seed ")
                .append(spec.seed())
                .append(", ")
                .append(r.parallel())
                .append(r.parallel() == 1 ? " worker, " : " workers, ")
                .append(r.wallMillis() / 1000.0)
                .append(" s)\n");
        List<CellResult> playable = r.cells().stream()
                .filter(c -> c.cell() instanceof Cell.Playable)
                .toList();
        List<CellResult> ran = playable.stream()
                .filter(c -> c.oracle().isPresent() || !c.runs().isEmpty())
                .toList();
        List<CellResult> shown = rows(ran);
        int idWidth = Math.max(
                4,
                shown.stream()
                        .mapToInt(c -> Math.min(MAX_ID, c.cell().id().length()))
                        .max()
                        .orElse(4));
        String row = "%-" + idWidth + "s %-12s %5s %6s %6s %6s %6s %6s %6s %6s %8s %7s%n";
        sb.append(String.format(
                row, "cell", "oracle", "runs", "consis", "benign", "unknwn", "hazard", "missed", "false", "exit-3",
                "mean ms", "p99 ms"));
        for (CellResult c : shown) {
            String id = c.cell().id();
            sb.append(String.format(
                    row,
                    id.length() > MAX_ID ? id.substring(0, MAX_ID - 1) + "~" : id,
                    c.oracle()
                            .map(o -> o.complete() ? o.verdict().label() : "INCOMPLETE")
                            .orElse("-"),
                    c.runs().size(),
                    c.verdicts().get(Verdict.CONSISTENT),
                    c.verdicts().get(Verdict.BENIGN_ALIAS),
                    c.verdicts().get(Verdict.UNKNOWN),
                    c.verdicts().get(Verdict.HAZARD),
                    mark(c.missed().size()),
                    mark(c.falseHazards().size()),
                    c.exit3(),
                    String.format("%.1f", c.meanMillis()),
                    c.p99Millis()));
        }
        if (shown.size() < ran.size()) {
            sb.append("... ")
                    .append(ran.size() - shown.size())
                    .append(" more cells without problems in campaign.json\n");
        }
        if (ran.size() < playable.size()) {
            sb.append(playable.size() - ran.size()).append(" cell(s) not run (interrupted)\n");
        }
        List<CellResult> skipped =
                r.cells().stream().filter(c -> c.cell() instanceof Cell.Skipped).toList();
        if (!skipped.isEmpty()) {
            sb.append(skipped.size()).append(" cell(s) skipped: the scenario loader rejects them\n");
            for (CellResult c : skipped.subList(0, Math.min(MAX_LISTED, skipped.size()))) {
                sb.append("  ")
                        .append(c.cell().id())
                        .append(": ")
                        .append(((Cell.Skipped) c.cell()).reason())
                        .append('\n');
            }
        }
        List<String> problems = new ArrayList<>();
        for (CellResult c : ran) {
            c.oracle()
                    .filter(o -> !o.complete())
                    .ifPresent(o -> problems.add(c.cell().id() + " oracle did not complete: " + o.incomplete()));
            c.missed().forEach(m -> problems.add(m.run().dir() + ": missed " + m.hazard()));
            c.truthMismatches().forEach(m -> problems.add(m.run().dir() + ": monitor vs traces " + m.hazard()));
            c.falseHazards().forEach(m -> problems.add(m.run().dir() + ": false " + m.hazard()));
        }
        problems.stream()
                .limit(MAX_LISTED)
                .forEach(p -> sb.append("  FAIL ").append(p).append('\n'));
        if (problems.size() > MAX_LISTED) {
            sb.append("  ... ").append(problems.size() - MAX_LISTED).append(" more in campaign.json\n");
        }
        Tally.Counters totals = Tally.Counters.of(r.cells(), r.runsDone(), r.runsPlanned());
        sb.append(String.format(
                "total     %d/%d runs, %d hazard verdicts, missed %d, false %d, exit-3 %d%s%n",
                r.runsDone(),
                r.runsPlanned(),
                totals.hazardRuns(),
                totals.missed(),
                totals.falseHazards(),
                totals.exit3(),
                r.interrupted() ? "  (INTERRUPTED: partial results)" : ""));
        r.clusterErrors().forEach(e -> sb.append("cluster   ").append(e).append('\n'));
        sb.append("files     ").append(dir).append("/{campaign.json,runs/<cell>/<run>/}\n");
        return sb.toString();
    }

    /** At most {@link #MAX_ROWS} rows: cells with problems first, then the others, each in matrix order. */
    private static List<CellResult> rows(List<CellResult> ran) {
        if (ran.size() <= MAX_ROWS) {
            return ran;
        }
        List<CellResult> problems =
                ran.stream().filter(c -> c.failed() || c.exit3() > 0).toList();
        List<CellResult> out = new ArrayList<>(problems.subList(0, Math.min(MAX_ROWS, problems.size())));
        for (CellResult c : ran) {
            if (out.size() >= MAX_ROWS) {
                break;
            }
            if (!problems.contains(c)) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingInt(c -> c.cell().index()));
        return out;
    }

    private static String mark(int n) {
        return n == 0 ? "0" : n + "!";
    }
}
