package org.memtypelab.lab.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code design-space.html}: per design a matrix of platforms (CPU, placement, migration) down and kernel eras across,
 * each square coloured by its verdict, the full because in its tooltip. One self-contained file, no script, no
 * external resources; the colours and type are the run and campaign reports' (lab-report).
 */
public final class MapHtml {

    private static final String STYLE = """
        body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1f2328;
          margin:24px 32px;max-width:1600px}
        h1{font-size:22px;margin:0 0 4px}
        h2{font-size:17px;margin:28px 0 8px;padding-bottom:3px;border-bottom:1px solid #d0d7de}
        p{margin:6px 0}
        code,.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12.5px}
        table{border-collapse:collapse;margin:4px 0 8px}
        th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f6f8fa;font-weight:600}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        .muted{color:#6e7781}
        table.grid td.cell{padding:5px 8px;min-width:120px;border:2px solid #fff;font-size:12px}
        table.grid th.era{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px}
        table.grid th.era span{display:block;font-weight:400;color:#6e7781;font-family:system-ui,sans-serif}
        .g-result{display:block;font-weight:700;font-size:13px}
        .g-line{display:block}
        .g-consistent{background:#aceebb}.g-benign-alias{background:#b6e3ff}.g-unknown{background:#d0d7de}
        .g-hazard{background:#ffcecb}.g-incomplete{background:#24292f;color:#fff}
        .g-na{background:#f6f8fa;color:#6e7781}
        .g-key{padding:0 6px;border-radius:3px}
        """;

    private MapHtml() {}

    public static String render(DesignSpaceMap map) {
        StringBuilder h = new StringBuilder(256 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>The design-space map</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n");
        h.append("<h1>The design-space map</h1>\n<p class=\"muted\">")
                .append(map.entries().size())
                .append(" combinations, ")
                .append(map.played())
                .append(" played as scenarios. Each square is one run, coloured by its verdict: ")
                .append(key("consistent"))
                .append(' ')
                .append(key("benign-alias"))
                .append(' ')
                .append(key("unknown"))
                .append(' ')
                .append(key("hazard"))
                .append(" <span class=\"g-key g-na\">n/a</span> (KVM refuses it). Hover a square for the rules")
                .append(" that decided it.</p>\n");
        summary(h, map);
        Map<String, List<MapEntry>> byDesign = new LinkedHashMap<>();
        for (MapEntry e : map.entries()) {
            byDesign.computeIfAbsent(e.design(), d -> new ArrayList<>()).add(e);
        }
        Map<String, Axes.Design> designs = MapMarkdown.designsById();
        byDesign.forEach((id, entries) -> grid(h, designs.get(id), entries));
        h.append("\n</body></html>\n");
        return h.toString();
    }

    private static String key(String verdict) {
        return "<span class=\"g-key g-" + verdict + "\">" + verdict + "</span>";
    }

    private static void summary(StringBuilder h, DesignSpaceMap map) {
        h.append("<h2>Per design</h2>\n<table><thead><tr><th>option</th><th>DOMAIN 9 row</th><th>played</th>")
                .append("<th>coherent</th><th>consistent</th><th>benign-alias</th><th>unknown</th><th>hazard</th>")
                .append("</tr></thead><tbody>");
        for (DesignSpaceMap.Tally t : map.tallies()) {
            Map<String, Integer> v = t.verdicts();
            h.append("<tr><td class=\"mono\"><a href=\"#design-")
                    .append(escape(t.design()))
                    .append("\">")
                    .append(escape(t.design()))
                    .append("</a></td><td>")
                    .append(escape(t.row()))
                    .append("</td>");
            for (int n : new int[] {
                t.played(),
                t.coherent(),
                v.getOrDefault("consistent", 0),
                v.getOrDefault("benign-alias", 0),
                v.getOrDefault("unknown", 0),
                v.getOrDefault("hazard", 0) + v.getOrDefault("incomplete", 0)
            }) {
                h.append("<td class=\"num\">").append(n).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</tbody></table>\n");
    }

    private static void grid(StringBuilder h, Axes.Design design, List<MapEntry> entries) {
        h.append("<h2 id=\"design-")
                .append(escape(design.id()))
                .append("\"><code>")
                .append(escape(design.id()))
                .append("</code> - ")
                .append(escape(design.title()))
                .append(" <span class=\"muted\">(DOMAIN 9 row ")
                .append(escape(design.row()))
                .append(")</span></h2>\n");
        h.append("<table class=\"grid\"><thead><tr><th>CPU / placement / migration</th>");
        for (Axes.Era e : Axes.ERAS) {
            h.append("<th class=\"era\">")
                    .append(escape(e.kernel()))
                    .append("<span>")
                    .append(escape(e.range()))
                    .append("</span></th>");
        }
        h.append("</tr></thead><tbody>");
        Map<String, List<MapEntry>> rows = new LinkedHashMap<>();
        for (MapEntry e : entries) {
            rows.computeIfAbsent(e.cpu() + " / " + e.placement() + " / " + e.migration(), k -> new ArrayList<>())
                    .add(e);
        }
        rows.forEach((platform, cells) -> {
            h.append("<tr><th class=\"mono\">").append(escape(platform)).append("</th>");
            for (MapEntry e : cells) {
                cell(h, e);
            }
            h.append("</tr>");
        });
        h.append("</tbody></table>\n");
    }

    private static void cell(StringBuilder h, MapEntry e) {
        String verdict =
                MapEntry.NOT_APPLICABLE.equals(e.verdict()) ? "na" : e.verdict().replaceAll("[^a-z-]", "");
        h.append("<td class=\"cell g-")
                .append(verdict)
                .append("\" title=\"")
                .append(escape(String.join("\n", e.because())))
                .append("\"><span class=\"g-result\">")
                .append(escape(e.verdict()))
                .append("</span>");
        for (String hazard : e.hazards()) {
            h.append("<span class=\"g-line\">").append(escape(hazard)).append("</span>");
        }
        if (!e.guest().isEmpty()) {
            h.append("<span class=\"g-line\">guest ").append(escape(e.guest())).append("</span>");
        }
        if (!"-".equals(e.migrationStatus()) && !"not-attempted".equals(e.migrationStatus())) {
            h.append("<span class=\"g-line\">migration ")
                    .append(escape(e.migrationStatus()))
                    .append("</span>");
        }
        h.append("</td>");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
