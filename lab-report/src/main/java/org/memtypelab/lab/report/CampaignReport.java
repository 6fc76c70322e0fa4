package org.memtypelab.lab.report;

import static org.memtypelab.lab.report.DocumentFields.or;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.memtypelab.documents.CampaignSummary;

/**
 * The report page of a campaign: its settings and totals, then the matrix (SCENARIOS.md "Campaign spec"): one row
 * per cell, coloured by the verdict most of its runs reached, with per-verdict counts, hazards missed or falsely
 * reported against the oracle, exit-3 runs, run times, and a link to every run's own report.
 */
final class CampaignReport {

    static final List<String> VERDICTS = List.of("consistent", "benign-alias", "unknown", "hazard");

    /**
     * One run directory found under a cell, as the matrix links it.
     *
     * @param name {@code oracle}, {@code r01}, ... (a failed attempt keeps its {@code -attemptN} suffix)
     * @param link the page to open, relative to the campaign directory: the run's report.html, or its directory
     * @param verdict empty when result.json could not be read
     * @param wallMs the run's wall time from its result.json, -1 when it could not be read
     */
    record RunLink(String name, String link, String verdict, boolean complete, long wallMs) {}

    private CampaignReport() {}

    /**
     * Renders the page; {@code runs} holds each cell's run directories by cell id, {@code campaignDir} is the campaign
     * directory as the user named it, for the reproduce commands.
     */
    static String render(CampaignSummary campaign, Map<String, List<RunLink>> runs, String campaignDir) {
        String name = or(campaign.name(), "(unnamed campaign)");
        Html h = new Html().head(name + " - memtype-lab campaign");
        header(h, campaign);
        h.el("h2", "", "Matrix");
        CampaignGrid.render(h, campaign.cells());
        h.el("h2", "", "Run times");
        RunTimes.render(h, runs);
        failures(h, campaign.cells(), runs, campaignDir);
        h.el("h2", "", "Cells");
        legend(h);
        matrix(h, campaign.cells(), runs);
        return h.finish();
    }

    /** {@code interrupted: 7 of 12 runs}, or empty for a campaign that finished every planned run. */
    static String unfinished(CampaignSummary c) {
        if (c.complete() && !c.interrupted()) {
            return "";
        }
        return (c.interrupted() ? "interrupted: " : "incomplete: ") + c.runsDone() + " of " + c.runsPlanned() + " runs";
    }

    /** The verdict most completed runs reached; a tie goes to the worse verdict; empty without completed runs. */
    static String dominant(Map<String, Integer> verdicts) {
        String best = "";
        int most = 0;
        for (String v : VERDICTS) {
            int n = countOf(verdicts, v);
            if (n > 0 && n >= most) {
                best = v;
                most = n;
            }
        }
        return best;
    }

    private static void header(Html h, CampaignSummary c) {
        h.open("h1", "").text("campaign " + or(c.name(), "")).close("h1");
        String unfinished = unfinished(c);
        if (!unfinished.isEmpty()) {
            h.el("div", "banner interrupted", unfinished);
        }
        String description = or(c.description(), "");
        if (!description.isEmpty()) {
            h.el("p", "muted", description);
        }
        h.open("dl", "facts");
        h.fact("base scenario", or(c.base(), ""));
        h.fact("spec", or(c.spec(), ""));
        h.fact("seed, nodes, parallel", c.seed() + ", " + or(c.nodes(), "") + ", " + c.parallel());
        CampaignSummary.FaultsEntry f = c.faults() == null ? new CampaignSummary.FaultsEntry(0, 0, 0, 0) : c.faults();
        h.fact(
                "random faults",
                "messages " + f.messages() + ", kills " + f.kills() + ", partitions " + f.partitions() + ", "
                        + f.runsPerCell() + " runs per cell");
        h.el("dt", "", "runs").open("dd", "");
        h.text(c.runsDone() + " of " + c.runsPlanned() + " done, ");
        if (c.complete()) {
            h.el("span", "ok", "complete");
        } else {
            h.el("span", "bad", c.interrupted() ? "interrupted" : "incomplete");
        }
        h.text(", " + c.wallMs() / 1000.0 + " s").close("dd");
        CampaignSummary.ClustersEntry cl =
                c.clusters() == null ? new CampaignSummary.ClustersEntry(0, 0, 0, List.of()) : c.clusters();
        h.fact(
                "clusters",
                cl.formed() + " formed, " + cl.restarts() + " restarts"
                        + (cl.errors().isEmpty()
                                ? ""
                                : ", errors: "
                                        + cl.errors().stream().map(Words::plain).collect(Collectors.joining("; "))));
        CampaignSummary.TotalsEntry t = c.totals() == null
                ? new CampaignSummary.TotalsEntry(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0)
                : c.totals();
        h.el("dt", "", "verdicts").open("dd", "");
        for (String v : VERDICTS) {
            h.badge(v, false).text(" " + countOf(t.verdicts(), v) + "  ");
        }
        h.close("dd");
        h.el("dt", "", "cells").open("dd", "");
        h.text(t.cells() + " (" + t.cellsRun() + " run, " + t.cellsSkipped() + " skipped, ");
        count(h, t.cellsFailed(), "failed");
        h.text(")").close("dd");
        h.el("dt", "", "against the oracle").open("dd", "");
        count(h, t.missed(), "missed");
        h.text(", ");
        count(h, t.falseHazards(), "false");
        h.text(", ");
        count(h, t.exit3(), "exit-3");
        h.close("dd");
        int exit = c.exitCode();
        h.el("dt", "", "exit code");
        if (unfinished.isEmpty()) {
            h.el("dd", exit == 0 ? "ok" : "bad", exit);
        } else {
            // an unfinished campaign proves nothing about the runs it did not play: never a green 0
            h.el("dd", "bad", unfinished + (exit == 0 ? "" : ", exit code " + exit));
        }
        h.close("dl");
    }

    private static void count(Html h, int n, String what) {
        h.el("span", n == 0 ? "ok" : "bad", n + " " + what);
    }

    private static void legend(Html h) {
        h.open("p", "muted").text("Rows are coloured by the verdict most of the cell's completed runs reached: ");
        for (String v : VERDICTS) {
            h.badge(v, false).text(" ");
        }
        h.text("; each run links to its report (black: exit 3).").close("p");
    }

    private static void matrix(Html h, List<CampaignSummary.CellEntry> cells, Map<String, List<RunLink>> runs) {
        List<String> keys = new ArrayList<>();
        for (CampaignSummary.CellEntry cell : cells) {
            for (String k : cell.values().keySet()) {
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
        }
        h.open("table", "matrix").raw("<thead><tr><th>cell</th>");
        for (String k : keys) {
            h.el("th", "", k);
        }
        h.raw("<th>status</th><th>oracle</th>");
        for (String v : VERDICTS) {
            h.el("th", "num", v);
        }
        h.raw("<th>hazards (runs)</th><th class=\"num\">missed</th><th class=\"num\">false</th>")
                .raw("<th class=\"num\">exit 3</th><th class=\"num\">mean ms</th><th class=\"num\">p99 ms</th>")
                .raw("</tr></thead>\n");
        int columns = 1 + keys.size() + 2 + VERDICTS.size() + 6;
        for (CampaignSummary.CellEntry cell : cells) {
            h.raw("<tbody>");
            row(h, cell, keys, runs.getOrDefault(or(cell.cell(), ""), List.of()), columns);
            h.raw("</tbody>\n");
        }
        h.raw("</table>");
    }

    /** The cell's row of counts, then a row of links to its runs, both coloured by its dominant verdict. */
    private static void row(
            Html h, CampaignSummary.CellEntry cell, List<String> keys, List<RunLink> runs, int columns) {
        String id = or(cell.cell(), "");
        CampaignSummary.PlayedCell played = cell instanceof CampaignSummary.PlayedCell p ? p : null;
        String dominant = played == null ? "" : dominant(played.verdicts());
        String look = played == null ? "skipped" : dominant.isEmpty() ? "none" : dominant;
        h.raw("<tr id=\"cell-" + Html.escape(Html.cls(id)) + "\" class=\"row-" + look + "\">");
        h.el("td", "mono", id);
        for (String k : keys) {
            Object v = cell.values().get(k);
            h.el("td", "mono", !cell.values().containsKey(k) ? "" : value(v));
        }
        if (cell instanceof CampaignSummary.SkippedCell skipped) {
            int span = columns - keys.size() - 2;
            h.el("td", "", "skipped").raw("<td colspan=\"" + span + "\">").text(Words.plain(or(skipped.reason(), "")));
            h.raw("</td></tr>\n");
            return;
        }
        String status = or(played.status(), "");
        h.el("td", status.equals("passed") ? "ok" : status.equals("partial") ? "" : "bad", status);
        h.open("td", "");
        RunLink oracle =
                runs.stream().filter(r -> r.name().equals("oracle")).findFirst().orElse(null);
        CampaignSummary.OracleEntry o = played.oracle();
        if (o != null) {
            h.badge(or(o.verdict(), "unknown"), false);
            if (!o.complete()) {
                h.text(" ").el("span", "bad", "exit 3");
            }
        } else if (oracle != null && !oracle.verdict().isEmpty()) {
            // campaign.json was written before the oracle finished, or by an attempt that was retried
            h.badge(oracle.verdict(), false);
            if (!oracle.complete()) {
                h.text(" ").el("span", "bad", "exit 3");
            }
        } else {
            h.el("span", "muted", "not run");
        }
        if (oracle != null) {
            h.text(" ").link(oracle.link(), "report");
        }
        h.close("td");
        for (String v : VERDICTS) {
            int n = countOf(played.verdicts(), v);
            h.el("td", v.equals(dominant) ? "num dom" : "num", n == 0 ? "" : n);
        }
        h.open("td", "");
        played.hazards().forEach((hazard, n) -> h.el("div", "haz", hazard + " (" + n + ")"));
        h.close("td");
        for (int n : new int[] {played.missed(), played.falseHazards(), played.exit3()}) {
            h.el("td", n == 0 ? "num" : "num hot", n);
        }
        h.el("td", "num", played.meanMs());
        h.el("td", "num", played.p99Ms());
        h.raw("</tr>\n<tr class=\"row-" + look + " runs\"><td colspan=\"" + columns + "\">");
        h.open("div", "chips");
        long faulty = runs.stream().filter(r -> !r.name().equals("oracle")).count();
        h.el(
                "span",
                "muted",
                runs.isEmpty()
                        ? "no run directories yet"
                        : (faulty < runs.size() ? "oracle + " : "") + faulty + " runs:");
        for (RunLink r : runs) {
            String chip =
                    !r.complete() ? "chip x3" : r.verdict().isEmpty() ? "chip none" : "chip v-" + Html.cls(r.verdict());
            h.raw("<a class=\"" + chip + "\" href=\"" + Html.href(r.link()) + "\" title=\"")
                    .text(r.name() + ": " + (r.verdict().isEmpty() ? "no result" : r.verdict())
                            + (r.complete() ? "" : ", exit 3"))
                    .raw("\">")
                    .text(r.name().equals("oracle") ? "oracle" : r.name().replaceFirst("^r", ""))
                    .raw("</a>");
        }
        h.close("div").close("td").raw("</tr>\n");
    }

    private static void failures(
            Html h, List<CampaignSummary.CellEntry> cells, Map<String, List<RunLink>> runs, String campaignDir) {
        List<CampaignSummary.FailureEntry> failing = new ArrayList<>();
        for (CampaignSummary.CellEntry c : cells) {
            if (c instanceof CampaignSummary.PlayedCell played) {
                failing.addAll(played.failures());
            }
        }
        if (!h.section(
                "Failures", failing, "No run missed an oracle hazard, reported a false one, or failed to complete.")) {
            return;
        }
        h.el(
                "p",
                "muted",
                "Each command replays the run with its seed and fault plan (paste it in the directory the"
                        + " campaign was started from).");
        h.open("table", "failures").headerRow("run", "seed", "why", "reproduce");
        for (CampaignSummary.FailureEntry f : failing) {
            String dir = or(f.dir(), "");
            String link = runs.values().stream()
                    .flatMap(List::stream)
                    .filter(r -> r.link().startsWith(dir + "/"))
                    .map(RunLink::link)
                    .findFirst()
                    .orElse(dir);
            h.raw("<tr>").open("td", "mono").link(link, dir).close("td");
            h.el("td", "mono", f.seed()).el("td", "", Words.plain(or(f.why(), "")));
            h.open("td", "")
                    .el("code", "reproduce", reproduce(campaignDir, dir))
                    .close("td")
                    .raw("</tr>");
        }
        h.close("table");
    }

    /** {@code ./memtype-lab replay <campaign dir>/<run dir>}, the path quoted when the shell would split it. */
    static String reproduce(String campaignDir, String runDir) {
        String path = campaignDir.isEmpty() || campaignDir.equals(".") ? runDir : campaignDir + "/" + runDir;
        return "./memtype-lab replay "
                + (path.matches("[A-Za-z0-9_./@:+=,-]+") ? path : "'" + path.replace("'", "'\\''") + "'");
    }

    /**
     * A matrix value as the spec's YAML writes it: a scalar as is, a list {@code [a, b]}, a mapping {@code {key:
     * value}}.
     */
    static String value(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream()
                    .map(e -> e.getKey() + ": " + value(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(CampaignReport::value).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(v);
    }

    /** A count from a verdict map; 0 when absent. */
    private static int countOf(Map<String, Integer> counts, String key) {
        Integer n = counts.get(key);
        return n == null ? 0 : n;
    }
}
