package org.memtypelab.lab.report;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;

/**
 * A small HTML writer: every piece of text goes through {@link #text} (escaped), markup through the tag methods. The
 * page carries its own stylesheet, so a report is one file that opens anywhere without network; the few lines of
 * script it may carry (paging and zoom of the sequence diagram) only add to what is shown without them.
 */
final class Html {

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1f2328;
              margin:24px 32px;max-width:1600px}
            h1{font-size:22px;margin:0 0 4px}
            h2{font-size:17px;margin:28px 0 8px;padding-bottom:3px;border-bottom:1px solid #d0d7de}
            h3{font-size:14px;margin:14px 0 6px}
            p{margin:6px 0}
            a{color:#0a58ca}
            code,pre,.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12.5px}
            pre{background:#f6f8fa;border:1px solid #d0d7de;padding:10px;overflow:auto}
            table{border-collapse:collapse;margin:4px 0 8px}
            th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
            th{background:#f6f8fa;font-weight:600}
            td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
            .muted{color:#6e7781}
            .facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0}
            .facts dt{color:#6e7781}
            .facts dd{margin:0}
            .badge{display:inline-block;padding:1px 10px;border-radius:11px;color:#fff;font-weight:600;
              font-size:13px;vertical-align:1px}
            .badge.big{font-size:16px;padding:2px 14px;border-radius:14px}
            .v-consistent{background:#1a7f37}.v-benign-alias{background:#0969da}.v-unknown{background:#6e7781}
            .v-hazard{background:#cf222e}
            .ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
            tr.row-consistent>td{background:#dafbe1}tr.row-benign-alias>td{background:#ddf4ff}
            tr.row-unknown>td{background:#eaeef2}tr.row-hazard>td{background:#ffebe9}
            tr.row-none>td{background:#fff}
            tr.row-skipped>td{background:#f6f8fa;color:#6e7781}
            td.hot{background:#ffd8d3 !important;font-weight:600}
            .witness{font-style:italic}
            .chips{display:flex;flex-wrap:wrap;gap:3px;align-items:center}
            table.matrix{width:100%}
            table.matrix td.mono{white-space:nowrap}
            .haz{min-width:13em}
            td.dom{font-weight:700}
            table.matrix tbody{border-top:2px solid #8c959f}
            table.matrix tr.runs>td{border-top:0;padding-top:0}
            .chip{display:inline-block;min-width:26px;padding:0 4px;border-radius:4px;color:#fff;font-size:11.5px;
              text-align:center;text-decoration:none;font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace}
            .chip.x3{background:#1f2328}.chip.none{background:#afb8c1}
            table.timeline{table-layout:fixed;width:100%}
            table.timeline th.step{width:120px}
            table.timeline td{font-size:12px;padding:3px 5px;overflow-wrap:anywhere}
            table.timeline thead th{position:sticky;top:0;z-index:1}
            .e{margin:1px 0;padding:0 3px;border-radius:3px}
            .e .k{display:inline-block;min-width:50px;font-size:10.5px;font-weight:600;text-transform:uppercase;
              color:#6e7781}
            .e.event{background:#eef6ff}.e.event .k{color:#0969da}
            .e.decide .k{color:#8250df}
            .e.fault{background:#ffe2a8;border-left:3px solid #cf222e;font-weight:600}.e.fault .k{color:#cf222e}
            .e.duplicate{background:#fff1cc}.e.duplicate .k{color:#9a6700}
            .e.setup,.e.arm{color:#6e7781}
            tr.faulty>th{background:#ffe2a8}
            .inc{font-size:10.5px;color:#9a6700;font-weight:600}
            details{margin:6px 0}
            summary{cursor:pointer;color:#0a58ca}
            .seq-wrap{overflow:auto;border:1px solid #d0d7de;background:#fff;max-height:80vh}
            .seq-controls{margin:6px 0;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
            .seq-controls button{font:inherit;padding:1px 10px}
            svg.sequence{display:block;font:11px system-ui,'DejaVu Sans',sans-serif}
            svg.sequence .lifeline{stroke:#8c959f;stroke-dasharray:4 4}
            svg.sequence .lane-head{fill:#f6f8fa;stroke:#8c959f}
            svg.sequence .lane-name{text-anchor:middle;font-weight:600;font-size:12px}
            svg.sequence .step-sep{stroke:#d0d7de}
            svg.sequence .step-label{font-weight:600;font-size:11.5px}
            svg.sequence .hazard-step{fill:#ffebe9}
            svg.sequence .hazard-label{fill:#cf222e;font-weight:600;font-size:10.5px}
            svg.sequence .lamport{fill:#8c959f;font-size:9.5px;text-anchor:end}
            svg.sequence .arrow{stroke:#57606a;stroke-width:1.3}
            svg.sequence .arrow.event{stroke:#0969da;stroke-dasharray:5 3}
            svg.sequence .arrow.from-earlier-page{stroke-dasharray:2 3}
            svg.sequence .msg-label{fill:#1f2328;font-size:10px}
            svg.sequence .msg-label.event{fill:#0969da}
            svg.sequence .dot{fill:#57606a}
            svg.sequence .dot.decide{fill:#8250df}
            svg.sequence .dot.event{fill:#0969da}
            svg.sequence .note{fill:#6e7781;font-size:9.5px}
            svg.sequence .resend{fill:#fff1cc;stroke:#9a6700;stroke-width:2}
            svg.sequence .stale{fill:#afb8c1}
            svg.sequence .fault .diamond{fill:#cf222e}
            svg.sequence .fault.arm .diamond{fill:#fff;stroke:#bc4c00;stroke-width:1.5}
            svg.sequence .fault-path{stroke:#cf222e;stroke-width:2;stroke-dasharray:3 2}
            svg.sequence .fault-label{fill:#cf222e;font-weight:600;font-size:10px}
            svg.sequence .kill{stroke:#cf222e;stroke-width:3}
            .banner{margin:12px 0;padding:10px 14px;border-radius:6px;font-size:17px;font-weight:700}
            .banner.interrupted{background:#fff1cc;border:2px solid #9a6700;color:#6b4700}
            .grids{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
            .facet-title{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12.5px}
            table.grid th.corner{font-weight:400;color:#6e7781;font-size:12px}
            table.grid td.grid-cell{padding:0;min-width:150px;border:2px solid #fff}
            table.grid td.grid-cell a{display:block;padding:6px 9px;color:inherit;text-decoration:none}
            .g-result{display:block;font-weight:700;font-size:14px}
            .g-line{display:block;font-size:12px}
            .g-line.hot{font-weight:700;color:#a40e26}
            .g-consistent{background:#aceebb}.g-benign-alias{background:#b6e3ff}.g-unknown{background:#d0d7de}
            .g-hazard{background:#ffcecb}.g-failed{background:#cf222e;color:#fff}
            .g-failed .g-line.hot{color:#fff}
            .g-incomplete{background:#24292f;color:#fff}.g-skipped,.g-not-run,.g-empty{background:#f6f8fa;color:#6e7781}
            .g-key{padding:0 6px;border-radius:3px}
            svg.runtimes{font:11px system-ui,'DejaVu Sans',sans-serif;display:block}
            svg.runtimes .bar{fill:#0969da}
            svg.runtimes .bar.oracle{fill:#8250df}
            svg.runtimes .axis{stroke:#57606a}
            svg.runtimes .tick{fill:#57606a}
            table.hazards td.rules{min-width:28em;font-size:12.5px}
            ol.rule-chain{margin:3px 0 0;padding-left:20px}
            code.explain,code.reproduce{user-select:all;background:#f6f8fa;padding:1px 4px;border-radius:3px}
            """;

    private final StringBuilder out = new StringBuilder(16 * 1024);

    /** Escapes text for element content and double-quoted attribute values. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r == null) {
                if (b != null) {
                    b.append(c);
                }
            } else {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(r);
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * A link target: a relative path with each character a URL does not allow as is percent-encoded, or an in-page
     * {@code #anchor}; then escaped for the attribute.
     */
    static String href(String relativePath) {
        StringBuilder b = new StringBuilder();
        int from = 0;
        if (relativePath.startsWith("#")) {
            b.append('#');
            from = 1;
        }
        for (byte x : relativePath.substring(from).getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            boolean plain = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~/+=,@:".indexOf(c) >= 0;
            if (plain) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return escape(b.toString());
    }

    /** A CSS class fragment from a verdict label ({@code benign-alias}), limited to safe characters. */
    static String cls(String label) {
        return label == null ? "unknown" : label.replaceAll("[^a-z0-9-]", "");
    }

    Html head(String title) {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(escape(title))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n");
        return this;
    }

    /** Appends escaped text. */
    Html text(Object s) {
        out.append(escape(String.valueOf(s)));
        return this;
    }

    /** Appends markup as is: only ever called with literals and escaped values. */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    /** {@code <tag class="cls">text</tag>}, text escaped; an empty class is left out. */
    Html el(String tag, String cssClass, Object text) {
        open(tag, cssClass);
        text(text);
        return close(tag);
    }

    Html open(String tag, String cssClass) {
        out.append('<').append(tag);
        if (cssClass != null && !cssClass.isEmpty()) {
            out.append(" class=\"").append(escape(cssClass)).append('"');
        }
        out.append('>');
        return this;
    }

    Html close(String tag) {
        out.append("</").append(tag).append('>');
        return this;
    }

    /** A link with escaped text to a relative path. */
    Html link(String relativePath, Object text) {
        out.append("<a href=\"").append(href(relativePath)).append("\">");
        return text(text).raw("</a>");
    }

    /** The coloured verdict badge. */
    Html badge(String verdict, boolean big) {
        return el("span", "badge v-" + cls(verdict) + (big ? " big" : ""), verdict);
    }

    /**
     * A section's heading over {@code items}; when there are none, the muted note {@code none} under it. True when
     * there is something to list.
     */
    boolean section(String title, Collection<?> items, String none) {
        el("h2", "", title);
        if (items.isEmpty()) {
            el("p", "muted", none);
            return false;
        }
        return true;
    }

    /** A {@code <th>} row of column names. */
    Html headerRow(String... names) {
        out.append("<tr>");
        for (String n : names) {
            el("th", "", n);
        }
        out.append("</tr>");
        return this;
    }

    /** A definition-list row of the facts grid. */
    Html fact(String name, Object value) {
        el("dt", "", name);
        return el("dd", "", value);
    }

    String finish() {
        out.append("\n</body></html>\n");
        return out.toString();
    }
}
