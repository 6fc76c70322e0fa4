package org.memtypelab.lab.report;

import static org.memtypelab.lab.report.DocumentFields.or;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.memtypelab.documents.CampaignSummary;

/**
 * A campaign's matrix drawn as a grid: the values of its first key down, of its second across, one grid per
 * combination of any further keys (a facet). Each square is coloured by the cell's result - failed, the verdict most
 * of its runs reached, all runs exit 3, skipped - and shows its runs' exit-3 share.
 */
final class CampaignGrid {

    private CampaignGrid() {}

    /** The result a grid square shows, its CSS class {@code g-<result>}. */
    static String result(CampaignSummary.CellEntry cell) {
        if (!(cell instanceof CampaignSummary.PlayedCell p)) {
            return "skipped";
        }
        if ("failed".equals(p.status()) || "oracle-incomplete".equals(p.status())) {
            return "failed";
        }
        String dominant = CampaignReport.dominant(p.verdicts());
        if (!dominant.isEmpty()) {
            return dominant;
        }
        if (p.runs() > 0 && p.exit3() >= p.runs()) {
            return "incomplete";
        }
        return p.oracle() != null && p.oracle().verdict() != null
                ? Html.cls(p.oracle().verdict())
                : "not-run";
    }

    static void render(Html h, List<CampaignSummary.CellEntry> cells) {
        List<String> keys = new ArrayList<>();
        for (CampaignSummary.CellEntry cell : cells) {
            for (String k : cell.values().keySet()) {
                if (!keys.contains(k)) {
                    keys.add(k);
                }
            }
        }
        if (cells.isEmpty()) {
            h.el("p", "muted", "No cells in campaign.json yet.");
            return;
        }
        String rowKey = keys.isEmpty() ? "" : keys.get(0);
        String colKey = keys.size() < 2 ? "" : keys.get(1);
        List<String> facetKeys = keys.size() < 3 ? List.of() : keys.subList(2, keys.size());
        Map<String, List<CampaignSummary.CellEntry>> facets = new LinkedHashMap<>();
        for (CampaignSummary.CellEntry c : cells) {
            facets.computeIfAbsent(facet(c, facetKeys), f -> new ArrayList<>()).add(c);
        }
        h.open("p", "muted").text("Rows: ").el("code", "", rowKey.isEmpty() ? "-" : rowKey);
        h.text(", columns: ").el("code", "", colKey.isEmpty() ? "-" : colKey);
        if (!facetKeys.isEmpty()) {
            h.text(", one grid per ").el("code", "", String.join(" x ", facetKeys));
        }
        h.text(". Each square is coloured by the verdict most of the cell's runs reached; ")
                .raw("<span class=\"g-key g-failed\">failed</span> a run missed or invented a hazard or the oracle did"
                        + " not complete, <span class=\"g-key g-incomplete\">incomplete</span> every run ended with"
                        + " exit 3. Click a square for the cell's row below.")
                .close("p");
        h.raw("<div class=\"grids\">");
        facets.forEach((facet, inFacet) -> grid(h, facet, inFacet, rowKey, colKey));
        h.raw("</div>\n");
    }

    private static void grid(
            Html h, String facet, List<CampaignSummary.CellEntry> cells, String rowKey, String colKey) {
        List<String> rows = new ArrayList<>();
        List<String> cols = new ArrayList<>();
        for (CampaignSummary.CellEntry c : cells) {
            String r = value(c, rowKey);
            String col = value(c, colKey);
            if (!rows.contains(r)) {
                rows.add(r);
            }
            if (!cols.contains(col)) {
                cols.add(col);
            }
        }
        h.raw("<div class=\"facet\">");
        if (!facet.isEmpty()) {
            h.el("h3", "facet-title", facet);
        }
        h.open("table", "grid").raw("<thead><tr><th class=\"corner\">");
        h.text(rowKey + (colKey.isEmpty() ? "" : " \\ " + colKey)).raw("</th>");
        for (String c : cols) {
            h.el("th", "mono", c);
        }
        h.raw("</tr></thead><tbody>");
        for (String r : rows) {
            h.raw("<tr>").el("th", "mono", r);
            for (String col : cols) {
                List<CampaignSummary.CellEntry> here = cells.stream()
                        .filter(c ->
                                value(c, rowKey).equals(r) && value(c, colKey).equals(col))
                        .toList();
                if (here.isEmpty()) {
                    h.el("td", "g-empty", "");
                }
                for (CampaignSummary.CellEntry c : here) {
                    square(h, c);
                }
            }
            h.raw("</tr>");
        }
        h.raw("</tbody></table></div>");
    }

    private static void square(Html h, CampaignSummary.CellEntry c) {
        String result = result(c);
        String id = or(c.cell(), "");
        h.raw("<td class=\"grid-cell g-" + Html.escape(result) + "\" data-cell=\"" + Html.escape(id)
                + "\" data-result=\"" + Html.escape(result) + "\">");
        h.raw("<a href=\"#cell-" + Html.escape(Html.cls(id)) + "\">");
        h.el("span", "g-result", result);
        if (c instanceof CampaignSummary.PlayedCell p) {
            int done = p.runs();
            int consistent = p.verdicts().getOrDefault("consistent", 0);
            int hazard = p.verdicts().getOrDefault("hazard", 0);
            h.el("span", "g-line", done + " runs: " + hazard + " hazard, " + consistent + " consistent");
            String share = done == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * p.exit3() / done);
            h.el(
                    "span",
                    "g-line g-exit3" + (p.exit3() > 0 ? " hot" : ""),
                    "exit 3: " + p.exit3() + " of " + done + " (" + share + ")");
            if (p.missed() + p.falseHazards() > 0) {
                h.el("span", "g-line hot", "missed " + p.missed() + ", false " + p.falseHazards());
            }
        } else {
            h.el("span", "g-line", "not run: the loader rejects these values");
        }
        h.raw("</a></td>");
    }

    private static String facet(CampaignSummary.CellEntry c, List<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add(k + " = " + value(c, k));
        }
        return String.join(", ", parts);
    }

    private static String value(CampaignSummary.CellEntry c, String key) {
        if (key.isEmpty()) {
            return "";
        }
        return c.values().containsKey(key) ? CampaignReport.value(c.values().get(key)) : "-";
    }
}
