package org.memtypelab.lab.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The run's history laid out as a grid: one row per step, one column per node, each cell listing what that node
 * recorded during the step in history (Lamport) order. A line recorded outside any step after the steps began (the
 * conductor hearing a restarted node is ready, that node's new incarnation starting) is shown with the step in
 * progress, where it happened.
 */
final class Timeline {

    /** The scenario's nodes in the order a step flows through them; other nodes found in the history follow. */
    static final List<String> NODES =
            List.of("kvm-node", "qemu-node", "gpu-process-node", "migration-node", "conductor");

    /** One step's row. */
    record Row(int step, Map<String, List<HistoryEntry>> byNode) {

        boolean faulty() {
            return byNode.values().stream().flatMap(List::stream).anyMatch(HistoryEntry::fault);
        }
    }

    private final List<String> nodes;
    private final List<Row> rows;

    private Timeline(List<String> nodes, List<Row> rows) {
        this.nodes = nodes;
        this.rows = rows;
    }

    static Timeline of(List<HistoryEntry> history) {
        Set<String> nodes = new LinkedHashSet<>(NODES);
        // a restarted incarnation's setup line has Lamport 0 and sorts first: show it where that incarnation acts
        Map<String, Integer> firstStep = new HashMap<>();
        for (HistoryEntry e : history) {
            if (e.incarnation() > 1 && e.step() > 0) {
                firstStep.putIfAbsent(e.node() + "#" + e.incarnation(), e.step());
            }
        }
        TreeMap<Integer, Map<String, List<HistoryEntry>>> byStep = new TreeMap<>();
        // the conductor drives the steps one after another, so its own lines tell which step is in progress
        int conductorStep = 0;
        for (HistoryEntry e : history) {
            boolean conductor = e.node().equals("conductor");
            if (conductor && e.step() > 0) {
                conductorStep = Math.max(conductorStep, e.step());
            }
            int step;
            if (e.step() > 0) {
                step = e.step();
            } else if (e.incarnation() > 1) {
                step = firstStep.getOrDefault(e.node() + "#" + e.incarnation(), conductorStep);
            } else {
                step = conductor ? conductorStep : 0;
            }
            nodes.add(e.node());
            byStep.computeIfAbsent(step, s -> new LinkedHashMap<>())
                    .computeIfAbsent(e.node(), n -> new ArrayList<>())
                    .add(e);
        }
        List<Row> rows = new ArrayList<>();
        byStep.forEach((step, cells) -> rows.add(new Row(step, cells)));
        return new Timeline(List.copyOf(nodes), rows);
    }

    List<Row> rows() {
        return rows;
    }

    List<String> nodes() {
        return nodes;
    }

    /** Renders the grid; {@code stepKinds} names each step ("3 map-blob"), {@code failed} marks failed steps. */
    void render(Html h, Map<Integer, String> stepKinds, Set<Integer> failed) {
        if (rows.isEmpty()) {
            h.el("p", "muted", "history.jsonl is missing or empty.");
            return;
        }
        h.open("table", "timeline").open("thead", "").raw("<tr><th class=\"step\">step</th>");
        for (String n : nodes) {
            h.el("th", "", n);
        }
        h.raw("</tr>").close("thead").open("tbody", "");
        for (Row r : rows) {
            h.raw("<tr id=\"step-" + r.step() + "\"" + (r.faulty() ? " class=\"faulty\"" : "") + ">");
            h.open("th", "step");
            if (r.step() == 0) {
                h.text("setup");
            } else {
                h.text(r.step()).raw("<br>").text(stepKinds.getOrDefault(r.step(), ""));
                if (failed.contains(r.step())) {
                    h.raw("<br>").el("span", "bad", "failed");
                }
            }
            if (r.faulty()) {
                h.raw("<br>").el("span", "bad", "fault");
            }
            h.close("th");
            for (String n : nodes) {
                h.open("td", "");
                for (HistoryEntry e : r.byNode().getOrDefault(n, List.of())) {
                    h.open("div", "e " + e.look()).el("span", "k", e.kind());
                    if (e.incarnation() > 1) {
                        h.el("span", "inc", "#" + e.incarnation() + " ");
                    }
                    h.text(e.text()).close("div");
                }
                h.close("td");
            }
            h.raw("</tr>\n");
        }
        h.close("tbody").close("table");
    }
}
