package org.memtypelab.lab.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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
     */
    record RunLink(String name, String link, String verdict, boolean complete) {}

    private CampaignReport() {}

    /** Renders the page; {@code runs} holds each cell's run directories by cell id. */
    static String render(JsonNode campaign, Map<String, List<RunLink>> runs) {
        String name = campaign.path("campaign").asText("(unnamed campaign)");
        Html h = new Html().head(name + " - memtype-lab campaign");
        header(h, campaign);
        h.el("h2", "", "Matrix");
        legend(h);
        matrix(h, campaign.path("cells"), runs);
        failures(h, campaign.path("cells"), runs);
        return h.finish();
    }

    /** The verdict most completed runs reached; a tie goes to the worse verdict; empty without completed runs. */
    static String dominant(JsonNode verdicts) {
        String best = "";
        int most = 0;
        for (String v : VERDICTS) {
            int n = verdicts.path(v).asInt();
            if (n > 0 && n >= most) {
                best = v;
                most = n;
            }
        }
        return best;
    }

    private static void header(Html h, JsonNode c) {
        h.open("h1", "").text("campaign " + c.path("campaign").asText()).close("h1");
        String description = c.path("description").asText("");
        if (!description.isEmpty()) {
            h.el("p", "muted", description);
        }
        h.open("dl", "facts");
        h.fact("base scenario", c.path("base").asText());
        h.fact("spec", c.path("spec").asText());
        h.fact(
                "seed, nodes, parallel",
                c.path("seed").asText() + ", " + c.path("nodes").asText() + ", "
                        + c.path("parallel").asText());
        JsonNode f = c.path("faults");
        h.fact(
                "random faults",
                "messages " + f.path("messages").asText() + ", kills "
                        + f.path("kills").asText() + ", partitions "
                        + f.path("partitions").asText() + ", "
                        + f.path("runs_per_cell").asText() + " runs per cell");
        h.el("dt", "", "runs").open("dd", "");
        h.text(c.path("runs_done").asText() + " of " + c.path("runs_planned").asText() + " done, ");
        if (c.path("complete").asBoolean()) {
            h.el("span", "ok", "complete");
        } else {
            h.el("span", "bad", c.path("interrupted").asBoolean() ? "interrupted" : "incomplete");
        }
        h.text(", " + c.path("wall_ms").asLong() / 1000.0 + " s").close("dd");
        JsonNode cl = c.path("clusters");
        h.fact(
                "clusters",
                cl.path("formed").asText() + " formed, " + cl.path("restarts").asText() + " restarts"
                        + (cl.path("errors").isEmpty() ? "" : ", errors: " + cl.path("errors")));
        JsonNode t = c.path("totals");
        h.el("dt", "", "verdicts").open("dd", "");
        for (String v : VERDICTS) {
            h.badge(v, false).text(" " + t.path("verdicts").path(v).asInt() + "  ");
        }
        h.close("dd");
        h.el("dt", "", "cells").open("dd", "");
        h.text(t.path("cells").asText() + " (" + t.path("cells_run").asText() + " run, "
                + t.path("cells_skipped").asText() + " skipped, ");
        count(h, t.path("cells_failed").asInt(), "failed");
        h.text(")").close("dd");
        h.el("dt", "", "against the oracle").open("dd", "");
        count(h, t.path("missed").asInt(), "missed");
        h.text(", ");
        count(h, t.path("false").asInt(), "false");
        h.text(", ");
        count(h, t.path("exit3").asInt(), "exit-3");
        h.close("dd");
        int exit = c.path("exit_code").asInt();
        h.el("dt", "", "exit code").el("dd", exit == 0 ? "ok" : "bad", exit);
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

    private static void matrix(Html h, JsonNode cells, Map<String, List<RunLink>> runs) {
        List<String> keys = new ArrayList<>();
        for (JsonNode cell : cells) {
            for (Iterator<String> it = cell.path("values").fieldNames(); it.hasNext(); ) {
                String k = it.next();
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
        for (JsonNode cell : cells) {
            h.raw("<tbody>");
            row(h, cell, keys, runs.getOrDefault(cell.path("cell").asText(), List.of()), columns);
            h.raw("</tbody>\n");
        }
        h.raw("</table>");
    }

    /** The cell's row of counts, then a row of links to its runs, both coloured by its dominant verdict. */
    private static void row(Html h, JsonNode cell, List<String> keys, List<RunLink> runs, int columns) {
        String id = cell.path("cell").asText();
        boolean skipped = cell.path("status").asText().equals("skipped");
        String dominant = dominant(cell.path("verdicts"));
        String look = skipped ? "skipped" : dominant.isEmpty() ? "none" : dominant;
        h.raw("<tr id=\"cell-" + Html.escape(Html.cls(id)) + "\" class=\"row-" + look + "\">");
        h.el("td", "mono", id);
        for (String k : keys) {
            JsonNode v = cell.path("values").path(k);
            h.el("td", "mono", v.isMissingNode() ? "" : v.isTextual() ? v.asText() : v.toString());
        }
        if (skipped) {
            int span = columns - keys.size() - 2;
            h.el("td", "", "skipped")
                    .raw("<td colspan=\"" + span + "\">")
                    .text(cell.path("reason").asText());
            h.raw("</td></tr>\n");
            return;
        }
        String status = cell.path("status").asText();
        h.el("td", status.equals("passed") ? "ok" : status.equals("partial") ? "" : "bad", status);
        h.open("td", "");
        RunLink oracle =
                runs.stream().filter(r -> r.name().equals("oracle")).findFirst().orElse(null);
        JsonNode o = cell.path("oracle");
        if (o.isObject()) {
            h.badge(o.path("verdict").asText("unknown"), false);
            if (!o.path("complete").asBoolean(true)) {
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
            int n = cell.path("verdicts").path(v).asInt();
            h.el("td", v.equals(dominant) ? "num dom" : "num", n == 0 ? "" : n);
        }
        h.open("td", "");
        for (Iterator<Map.Entry<String, JsonNode>> it = cell.path("hazards").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            h.el("div", "haz", e.getKey() + " (" + e.getValue().asText() + ")");
        }
        h.close("td");
        for (String k : List.of("missed", "false", "exit3")) {
            int n = cell.path(k).asInt();
            h.el("td", n == 0 ? "num" : "num hot", n);
        }
        h.el("td", "num", cell.path("mean_ms").asText());
        h.el("td", "num", cell.path("p99_ms").asText());
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

    private static void failures(Html h, JsonNode cells, Map<String, List<RunLink>> runs) {
        List<JsonNode> failing = new ArrayList<>();
        cells.forEach(c -> c.path("failures").forEach(failing::add));
        h.el("h2", "", "Failures");
        if (failing.isEmpty()) {
            h.el("p", "muted", "No run missed an oracle hazard, reported a false one, or failed to complete.");
            return;
        }
        h.open("table", "").headerRow("run", "seed", "why");
        for (JsonNode f : failing) {
            String dir = f.path("dir").asText();
            String link = runs.values().stream()
                    .flatMap(List::stream)
                    .filter(r -> r.link().startsWith(dir + "/"))
                    .map(RunLink::link)
                    .findFirst()
                    .orElse(dir);
            h.raw("<tr>").open("td", "mono").link(link, dir).close("td");
            h.el("td", "mono", f.path("seed").asText())
                    .el("td", "", f.path("why").asText())
                    .raw("</tr>");
        }
        h.close("table");
    }
}
