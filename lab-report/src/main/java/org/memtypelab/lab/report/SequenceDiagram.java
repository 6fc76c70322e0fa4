package org.memtypelab.lab.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run's history.jsonl as a message sequence diagram: one lane per node (the conductor first, the coherency monitor
 * last), one row per history line in Lamport order, an arrow per message (every {@code recv} line, from its sender,
 * and every {@code event} line, to the monitor), faults marked where they were armed, injected or applied, and the
 * steps in which hazards arose shaded. Long runs are cut into pages of whole steps; the page carries a few lines of
 * script to page through them and to zoom, and stays readable without it (every page shown).
 */
final class SequenceDiagram {

    static final String MONITOR = "monitor";
    static final int PAGE_ROWS = 60;
    private static final int ROW = 20;
    private static final int LANE = 150;
    static final int GUTTER = 150;
    private static final int HEAD = 44;

    /** One history line and the step in progress when it was written (the conductor's, as in the timeline). */
    record Row(HistoryEntry e, int section) {}

    /**
     * One message: from row {@code from} ({@code -1}: the sender wrote no line before it, so it starts level with
     * {@code to}) on lane {@code fromNode} to row {@code to} on lane {@code toNode}.
     */
    record Arrow(int from, String fromNode, int to, String toNode, String label, boolean event) {}

    /** The page's paging and zoom code, inlined so that the report stays one file. */
    private static final String SCRIPT = script();

    private final List<String> lanes;
    private final List<Row> rows;
    private final List<Arrow> arrows;

    private SequenceDiagram(List<String> lanes, List<Row> rows, List<Arrow> arrows) {
        this.lanes = lanes;
        this.rows = rows;
        this.arrows = arrows;
    }

    static SequenceDiagram of(List<HistoryEntry> history) {
        Set<String> lanes = new LinkedHashSet<>();
        lanes.add("conductor");
        Set<String> seen = new LinkedHashSet<>();
        for (HistoryEntry e : history) {
            seen.add(e.node());
            if (!e.peer().isEmpty()) {
                seen.add(e.peer());
            }
        }
        for (String n : Timeline.NODES) {
            if (seen.contains(n)) {
                lanes.add(n);
            }
        }
        seen.stream().filter(n -> !n.equals(MONITOR)).forEach(lanes::add);
        lanes.add(MONITOR);
        List<Row> rows = new ArrayList<>();
        int conductorStep = 0;
        for (HistoryEntry e : restartedWhereTheyStart(history)) {
            if (e.node().equals("conductor") && e.step() > 0) {
                conductorStep = Math.max(conductorStep, e.step());
            }
            rows.add(new Row(e, conductorStep));
        }
        return new SequenceDiagram(List.copyOf(lanes), rows, arrows(rows));
    }

    /**
     * A restarted node's new incarnation starts its clock at 0, so its set-up line sorts among the first lines of the
     * run; it is drawn right after the conductor's decision that restarted it instead (the k-th restart of a node
     * brings up its k-th later incarnation), where its "ready" message then starts.
     */
    static List<HistoryEntry> restartedWhereTheyStart(List<HistoryEntry> history) {
        Map<String, List<HistoryEntry>> later = new HashMap<>();
        for (HistoryEntry e : history) {
            if (e.kind().equals("setup") && e.incarnation() > 1) {
                later.computeIfAbsent(e.node(), n -> new ArrayList<>()).add(e);
            }
        }
        if (later.isEmpty()) {
            return history;
        }
        later.values().forEach(l -> l.sort(Comparator.comparingLong(HistoryEntry::incarnation)));
        Map<String, Integer> restarts = new HashMap<>();
        for (HistoryEntry e : history) {
            restartedNode(e).ifPresent(n -> restarts.merge(n, 1, Integer::sum));
        }
        Set<HistoryEntry> placed = new HashSet<>();
        later.forEach((node, setups) ->
                placed.addAll(setups.subList(0, Math.min(setups.size(), restarts.getOrDefault(node, 0)))));
        List<HistoryEntry> out = new ArrayList<>(history.size());
        Map<String, Integer> seen = new HashMap<>();
        for (HistoryEntry e : history) {
            if (!placed.contains(e)) {
                out.add(e);
            }
            restartedNode(e).ifPresent(n -> {
                int k = seen.merge(n, 1, Integer::sum);
                List<HistoryEntry> setups = later.getOrDefault(n, List.of());
                if (k <= setups.size()) {
                    out.add(setups.get(k - 1));
                }
            });
        }
        return out;
    }

    /** The node a conductor's "NODE restarted as a new incarnation" decision names. */
    private static Optional<String> restartedNode(HistoryEntry e) {
        if (e.node().equals("conductor")
                && e.kind().equals("decide")
                && e.text().endsWith(" restarted as a new incarnation")) {
            return Optional.of(e.text().split(" ", 2)[0]);
        }
        return Optional.empty();
    }

    /**
     * A received message starts at the sender's latest {@code send} line before it that no earlier receipt claimed
     * (within the same step), else at the sender's latest line with a smaller Lamport clock: the message carried a
     * clock below the receipt's, so it left no later than that.
     */
    private static List<Arrow> arrows(List<Row> rows) {
        List<Arrow> out = new ArrayList<>();
        Set<Integer> claimed = new LinkedHashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            HistoryEntry e = rows.get(i).e();
            if (e.kind().equals("event")) {
                out.add(new Arrow(i, e.node(), i, MONITOR, e.text(), true));
            } else if (e.kind().equals("recv")) {
                String sender = e.peer();
                int send = -1;
                int latest = -1;
                for (int j = i - 1; j >= 0; j--) {
                    HistoryEntry c = rows.get(j).e();
                    if (!c.node().equals(sender) || c.lamport() >= e.lamport()) {
                        continue;
                    }
                    if (latest < 0) {
                        latest = j;
                    }
                    if (c.kind().equals("send") && !claimed.contains(j) && c.step() == e.step()) {
                        send = j;
                        break;
                    }
                }
                int from = send >= 0 ? send : latest;
                if (send >= 0) {
                    claimed.add(send);
                }
                out.add(new Arrow(from, sender, i, e.node(), e.text(), false));
            }
        }
        return out;
    }

    List<Arrow> arrows() {
        return arrows;
    }

    List<String> lanes() {
        return lanes;
    }

    /** Pages of whole steps, at most {@link #PAGE_ROWS} rows each unless one step alone is longer: row index ranges. */
    List<int[]> pages() {
        List<int[]> pages = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < rows.size(); i++) {
            boolean newSection =
                    i > start && rows.get(i).section() != rows.get(i - 1).section();
            int sectionEnd = i;
            while (sectionEnd < rows.size()
                    && rows.get(sectionEnd).section() == rows.get(i).section()) {
                sectionEnd++;
            }
            if ((newSection && sectionEnd - start > PAGE_ROWS) || i - start == PAGE_ROWS) {
                pages.add(new int[] {start, i});
                start = i;
            }
        }
        if (start < rows.size()) {
            pages.add(new int[] {start, rows.size()});
        }
        return pages;
    }

    /** The diagram; {@code hazards} lists by step the hazards that arose in it, {@code stepKinds} names the steps. */
    void render(Html h, Map<Integer, List<String>> hazards, Map<Integer, String> stepKinds) {
        if (rows.isEmpty()) {
            h.el("p", "muted", "history.jsonl is missing or empty: no messages to draw.");
            return;
        }
        List<int[]> pages = pages();
        h.raw("<div class=\"seq-controls\">");
        if (pages.size() > 1) {
            h.raw("<button type=\"button\" data-seq=\"prev\">\u2190 earlier</button> ")
                    .raw("<span id=\"seq-page\">" + pages.size() + " pages</span>")
                    .raw(" <button type=\"button\" data-seq=\"next\">later \u2192</button> ");
        }
        h.raw("<label>zoom <input type=\"range\" id=\"seq-zoom\" min=\"40\" max=\"200\" step=\"10\" value=\"100\">")
                .raw("</label> <span class=\"muted\">")
                .text(rows.size() + " lines, " + arrows.size() + " messages"
                        + (pages.size() > 1 ? ", " + PAGE_ROWS + " lines a page" : ""))
                .raw("</span></div>\n");
        // markers live in an SVG that is never hidden: Chromium draws no marker defined in a display:none SVG
        h.raw("<svg class=\"seq-defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>"
                + "<marker id=\"seq-head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\""
                + " markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#57606a\"/></marker>"
                + "<marker id=\"seq-head-event\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\""
                + " markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#0969da\"/></marker>"
                + "</defs></svg>\n");
        int[] pageOf = new int[rows.size()];
        for (int p = 0; p < pages.size(); p++) {
            for (int i = pages.get(p)[0]; i < pages.get(p)[1]; i++) {
                pageOf[i] = p;
            }
        }
        h.raw("<div class=\"seq-wrap\">\n");
        for (int p = 0; p < pages.size(); p++) {
            page(h, p, pages.get(p), pageOf, hazards, stepKinds);
        }
        h.raw("</div>\n<script>").raw(SCRIPT).raw("</script>\n");
    }

    private void page(
            Html h,
            int p,
            int[] range,
            int[] pageOf,
            Map<Integer, List<String>> hazards,
            Map<Integer, String> stepKinds) {
        int width = GUTTER + lanes.size() * LANE;
        int height = HEAD + (range[1] - range[0]) * ROW + 16;
        String steps = steps(range);
        StringBuilder s = new StringBuilder(32 * 1024);
        s.append("<svg class=\"sequence\" id=\"seq-page-")
                .append(p + 1)
                .append("\" data-page=\"")
                .append(p + 1)
                .append("\" data-steps=\"")
                .append(Html.escape(steps))
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" width=\"")
                .append(width)
                .append("\" role=\"img\"><title>")
                .append(Html.escape("message sequence, " + steps))
                .append("</title>\n");
        bands(s, range, hazards, stepKinds, width);
        for (int l = 0; l < lanes.size(); l++) {
            String n = lanes.get(l);
            int x = x(n);
            s.append("<g class=\"lane\" data-node=\"")
                    .append(Html.escape(n))
                    .append("\"><line class=\"lifeline\" x1=\"")
                    .append(x)
                    .append("\" y1=\"")
                    .append(HEAD - 10)
                    .append("\" x2=\"")
                    .append(x)
                    .append("\" y2=\"")
                    .append(height)
                    .append("\"/><rect class=\"lane-head\" x=\"")
                    .append(x - LANE / 2 + 6)
                    .append("\" y=\"6\" width=\"")
                    .append(LANE - 12)
                    .append("\" height=\"24\" rx=\"4\"/><text class=\"lane-name\" x=\"")
                    .append(x)
                    .append("\" y=\"22\">")
                    .append(Html.escape(n))
                    .append("</text></g>\n");
        }
        for (Arrow a : arrows) {
            if (pageOf[a.to()] == p) {
                arrow(s, a, range, pageOf, p);
            }
        }
        for (int i = range[0]; i < range[1]; i++) {
            SequenceMarks.mark(s, this, rows.get(i).e(), y(i, range));
        }
        s.append("</svg>\n");
        h.raw(s.toString());
    }

    /** Step labels and separators in the gutter; the rows of steps where hazards arose shaded across the lanes. */
    private void bands(
            StringBuilder s,
            int[] range,
            Map<Integer, List<String>> hazards,
            Map<Integer, String> stepKinds,
            int width) {
        int i = range[0];
        while (i < range[1]) {
            int section = rows.get(i).section();
            int end = i;
            while (end < range[1] && rows.get(end).section() == section) {
                end++;
            }
            int top = y(i, range) - ROW / 2;
            int bottom = y(end - 1, range) + ROW / 2;
            List<String> here = hazards.getOrDefault(section, List.of());
            if (!here.isEmpty() && section > 0) {
                s.append("<rect class=\"hazard-step\" data-step=\"")
                        .append(section)
                        .append("\" x=\"0\" y=\"")
                        .append(top)
                        .append("\" width=\"")
                        .append(width)
                        .append("\" height=\"")
                        .append(bottom - top)
                        .append("\"><title>")
                        .append(Html.escape("hazard at step " + section + ": " + String.join("; ", here)))
                        .append("</title></rect>\n");
            }
            s.append("<line class=\"step-sep\" x1=\"0\" y1=\"")
                    .append(top)
                    .append("\" x2=\"")
                    .append(width)
                    .append("\" y2=\"")
                    .append(top)
                    .append("\"/><text class=\"step-label\" id=\"seq-step-")
                    .append(section)
                    .append("-")
                    .append(i)
                    .append("\" x=\"6\" y=\"")
                    .append(top + 14)
                    .append("\">")
                    .append(Html.escape(
                            section == 0 ? "set-up" : "step " + section + " " + stepKinds.getOrDefault(section, "")))
                    .append("</text>\n");
            int line = 0;
            for (String hz : here) {
                if (section > 0 && top + 28 + line * 13 < bottom) {
                    s.append("<text class=\"hazard-label\" x=\"6\" y=\"")
                            .append(top + 28 + line * 13)
                            .append("\">")
                            .append(Html.escape(cut("\u26a0 " + hz, 24)))
                            .append("<title>")
                            .append(Html.escape(hz))
                            .append("</title></text>\n");
                    line++;
                }
            }
            i = end;
        }
    }

    private void arrow(StringBuilder s, Arrow a, int[] range, int[] pageOf, int p) {
        int y2 = y(a.to(), range);
        boolean earlier = a.from() >= 0 && pageOf[a.from()] != p;
        int y1 = a.from() < 0 ? y2 : earlier ? HEAD - 8 : y(a.from(), range);
        int x1 = x(a.fromNode());
        int x2 = x(a.toNode());
        int dx = x2 >= x1 ? -5 : 5; // end short of the lane, so the head stays visible next to the dot
        HistoryEntry to = rows.get(a.to()).e();
        String cls = "arrow" + (a.event() ? " event" : "") + (earlier ? " from-earlier-page" : "");
        s.append("<g class=\"msg\"><line class=\"")
                .append(cls)
                .append("\" data-lamport=\"")
                .append(to.lamport())
                .append("\" x1=\"")
                .append(x1)
                .append("\" y1=\"")
                .append(y1)
                .append("\" x2=\"")
                .append(x2 + dx)
                .append("\" y2=\"")
                .append(y2)
                .append("\" marker-end=\"url(#")
                .append(a.event() ? "seq-head-event" : "seq-head")
                .append(")\"><title>")
                .append(Html.escape(
                        "Lamport " + to.lamport() + ": " + a.fromNode() + " \u2192 " + a.toNode() + ": " + a.label()))
                .append("</title></line>");
        int mid = (x1 + x2) / 2;
        int room = Math.max(8, Math.abs(x2 - x1) / 6);
        s.append("<text class=\"msg-label")
                .append(a.event() ? " event" : "")
                .append("\" x=\"")
                .append(a.event() ? x2 - 10 : mid)
                .append("\" y=\"")
                .append(y2 - 4)
                .append("\" text-anchor=\"")
                .append(a.event() ? "end" : "middle")
                .append("\">")
                .append(Html.escape(cut(a.label(), a.event() ? 40 : room)))
                .append("</text></g>\n");
    }

    private String steps(int[] range) {
        int first = rows.get(range[0]).section();
        int last = rows.get(range[1] - 1).section();
        String a = first == 0 ? "set-up" : "step " + first;
        return first == last ? a : a + " to step " + last;
    }

    int x(String node) {
        return GUTTER + lanes.indexOf(node) * LANE + LANE / 2;
    }

    private static int y(int i, int[] range) {
        return HEAD + ROW / 2 + 6 + (i - range[0]) * ROW;
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "\u2026";
    }

    private static String script() {
        try (InputStream in = SequenceDiagram.class.getResourceAsStream("sequence.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("sequence.js is missing from lab-report's jar", e);
        }
    }
}
