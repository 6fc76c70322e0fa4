package org.memtypelab.lab.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report page of one run: what result.json says (verdict, mappings, hazards with witnesses, migration, expect,
 * faults, the trace-truth comparison, steps) and a timeline of history.jsonl.
 */
final class RunReport {

    /**
     * Everything a run page is made of, read from a run directory.
     *
     * @param campaignReport relative link to the campaign's report, empty outside a campaign
     */
    record Input(
            JsonNode result,
            List<HistoryEntry> history,
            String scenarioYaml,
            String description,
            String campaignReport) {}

    private RunReport() {}

    static String render(Input in) {
        JsonNode r = in.result();
        String scenario = r.path("scenario").asText("(unnamed scenario)");
        String verdict = r.path("verdict").asText("unknown");
        Html h = new Html().head(scenario + " - " + verdict + " - memtype-lab run");
        header(h, in, scenario, verdict);
        mappings(h, r.path("mappings"));
        hazards(h, r.path("hazards"));
        checks(h, r);
        Map<Integer, String> stepKinds = new HashMap<>();
        Set<Integer> failed = new HashSet<>();
        steps(h, r.path("steps"), stepKinds, failed);
        h.el("h2", "", "Timeline");
        h.el(
                "p",
                "muted",
                "history.jsonl merged by Lamport clock: one row per step, what each node recorded (received, sent,"
                        + " decided, reported to the monitor). Faults are highlighted; #2 marks a restarted node's"
                        + " second incarnation.");
        Timeline.of(in.history()).render(h, stepKinds, failed);
        if (!in.scenarioYaml().isEmpty()) {
            h.el("h2", "", "Scenario file");
            h.raw("<details><summary>scenario.yaml</summary>")
                    .el("pre", "", in.scenarioYaml())
                    .raw("</details>");
        }
        return h.finish();
    }

    private static void header(Html h, Input in, String scenario, String verdict) {
        if (!in.campaignReport().isEmpty()) {
            h.raw("<p>").link(in.campaignReport(), "\u2190 campaign report").raw("</p>");
        }
        h.open("h1", "").text(scenario).raw(" ").badge(verdict, true).close("h1");
        if (!in.description().isEmpty()) {
            h.el("p", "muted", in.description());
        }
        JsonNode r = in.result();
        h.open("dl", "facts");
        h.fact("seed", r.path("seed").asText());
        h.fact("nodes", r.path("nodes").asText());
        boolean complete = r.path("complete").asBoolean(false);
        h.el("dt", "", "run").open("dd", "");
        if (complete) {
            h.el("span", "ok", "complete");
        } else {
            h.el("span", "bad", "incomplete (exit 3)");
            String why = r.path("incomplete").asText("");
            if (!why.isEmpty()) {
                h.text(": " + why);
            }
        }
        h.close("dd");
        expect(h, r.path("expect"));
        if (r.has("wall_ms")) {
            h.fact("wall time", r.path("wall_ms").asLong() + " ms");
        }
        JsonNode c = r.path("campaign");
        if (c.isObject()) {
            h.fact(
                    "campaign",
                    c.path("name").asText() + ", cell " + c.path("cell").asText() + ", run "
                            + c.path("run").asText());
        }
        h.close("dl");
    }

    private static void mappings(Html h, JsonNode mappings) {
        h.el("h2", "", "Mappings");
        if (mappings.isEmpty()) {
            h.el("p", "muted", "No mappings reported (the monitor gave no report, or no buffer was mapped).");
            return;
        }
        Map<String, List<JsonNode>> byBuffer = new LinkedHashMap<>();
        for (JsonNode m : mappings) {
            byBuffer.computeIfAbsent(m.path("buffer").asText(), b -> new ArrayList<>())
                    .add(m);
        }
        byBuffer.forEach((buffer, list) -> {
            h.open("h3", "").text("buffer ").el("code", "", buffer).close("h3");
            h.open("table", "").headerRow("who", "type", "EPT leaf", "dereferenced");
            for (JsonNode m : list) {
                h.raw("<tr>").el("td", "", m.path("who").asText());
                String type = m.has("snoop")
                        ? (m.path("snoop").asBoolean() ? "dma, snoop" : "dma, no snoop")
                        : m.path("type").asText();
                if (m.has("why")) {
                    type += " (" + m.path("why").asText() + ")";
                }
                h.el("td", "mono", type);
                JsonNode ept = m.path("ept");
                h.el(
                        "td",
                        "mono",
                        ept.isObject()
                                ? ept.path("type").asText() + (ept.path("ipat").asBoolean() ? " +IPAT" : " (IPAT=0)")
                                : "");
                boolean deref = m.path("dereferenced").asBoolean(true);
                h.el("td", deref ? "" : "muted", deref ? "yes" : "no (exists only for KVM)");
                h.raw("</tr>");
            }
            h.close("table");
        });
    }

    private static void hazards(Html h, JsonNode hazards) {
        h.el("h2", "", "Hazards");
        if (hazards.isEmpty()) {
            h.el("p", "muted", "No hazards.");
            return;
        }
        h.open("table", "").headerRow("buffer", "kind", "between", "types", "step", "witness");
        for (JsonNode z : hazards) {
            h.raw("<tr>").el("td", "mono", z.path("buffer").asText());
            h.el("td", "bad", z.path("kind").asText());
            h.el("td", "", join(z.path("between"), " / "));
            h.el("td", "mono", join(z.path("types"), " / "));
            int step = z.path("step").asInt();
            h.open("td", "num");
            if (step > 0) {
                h.link("#step-" + step, step);
            } else {
                h.text("-");
            }
            h.close("td");
            h.el("td", "witness", z.path("witness").asText());
            h.raw("</tr>");
        }
        h.close("table");
    }

    private static void expect(Html h, JsonNode expect) {
        h.el("dt", "", "expect").open("dd", "");
        if (expect.path("held").asBoolean(true)) {
            h.el("span", "ok", "held");
        } else {
            h.el("span", "bad", "did not hold:").open("ul", "");
            for (JsonNode f : expect.path("failures")) {
                h.el("li", "", f.asText());
            }
            h.close("ul");
        }
        h.close("dd");
    }

    private static void checks(Html h, JsonNode r) {
        h.el("h2", "", "Migration, faults, truth");
        h.open("dl", "facts");
        JsonNode mig = r.path("migration");
        String reason = mig.path("reason").asText("");
        h.fact("migration", mig.path("status").asText("-") + (reason.isEmpty() ? "" : ": " + reason));
        expect(h, r.path("expect"));
        h.fact("faults", faults(r.path("faults")));
        JsonNode plan = r.path("campaign").path("fault_plan");
        if (plan.isArray() && !plan.isEmpty()) {
            h.el("dt", "", "fault plan").open("dd", "mono");
            for (JsonNode a : plan) {
                h.text(a.toString()).raw("<br>");
            }
            h.close("dd");
        }
        JsonNode lost = r.path("nodes_lost");
        h.fact("nodes lost", lost.isEmpty() ? "none" : join(lost, ", "));
        truth(h, r.path("truth"));
        JsonNode monitor = r.path("monitor");
        if (monitor.isObject()) {
            JsonNode unobserved = monitor.path("unobserved");
            h.fact(
                    "monitor",
                    monitor.path("events").asText() + " events"
                            + (unobserved.isEmpty()
                                    ? ", saw everything"
                                    : ", could not observe: " + join(unobserved, "; ")));
        }
        JsonNode notes = r.path("notes");
        if (notes.isArray() && !notes.isEmpty()) {
            h.el("dt", "", "notes").open("dd", "").open("ul", "");
            for (JsonNode n : notes) {
                h.el("li", "", n.isTextual() ? n.asText() : n.toString());
            }
            h.close("ul").close("dd");
        }
        h.close("dl");
    }

    private static void truth(Html h, JsonNode t) {
        h.el("dt", "", "truth").open("dd", "");
        if (!t.isObject()) {
            h.el("span", "muted", "not compared (no trace-truth comparison in result.json)");
        } else {
            JsonNode missed = t.path("missed");
            JsonNode falseOnes = t.path("false");
            h.text("from the traces: ")
                    .badge(t.path("verdict").asText("unknown"), false)
                    .text("; ");
            h.el("span", missed.isEmpty() ? "ok" : "bad", "missed " + missed.size());
            h.text(missed.isEmpty() ? "" : " (" + join(missed, "; ") + ")").text(", ");
            h.el("span", falseOnes.isEmpty() ? "ok" : "bad", "false " + falseOnes.size());
            h.text(falseOnes.isEmpty() ? "" : " (" + join(falseOnes, "; ") + ")");
        }
        h.close("dd");
    }

    private static String faults(JsonNode f) {
        StringBuilder b = new StringBuilder();
        b.append(f.path("injected").asInt())
                .append(" injected of ")
                .append(f.path("planned").asInt())
                .append(" planned");
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("injected") && !e.getKey().equals("planned")) {
                b.append(", ")
                        .append(e.getKey())
                        .append(' ')
                        .append(e.getValue().asText());
            }
        }
        return b.toString();
    }

    private static void steps(Html h, JsonNode steps, Map<Integer, String> kinds, Set<Integer> failed) {
        h.el("h2", "", "Steps");
        if (steps.isEmpty()) {
            h.el("p", "muted", "No step ran.");
            return;
        }
        h.open("table", "").headerRow("n", "kind", "node", "ok", "errno", "detail");
        for (JsonNode s : steps) {
            int n = s.path("n").asInt();
            boolean ok = s.path("ok").asBoolean(true);
            kinds.put(n, s.path("kind").asText());
            if (!ok) {
                failed.add(n);
            }
            h.raw("<tr>").open("td", "num").link("#step-" + n, n).close("td");
            h.el("td", "", s.path("kind").asText());
            h.el("td", "", s.path("node").asText(""));
            h.el("td", ok ? "ok" : "bad", ok ? "yes" : "no");
            String errno = s.path("errno").asText("");
            h.el("td", errno.isEmpty() || errno.equals("0") ? "mono" : "mono bad", errno);
            h.el("td", "", s.path("detail").asText(""));
            h.raw("</tr>");
        }
        h.close("table");
    }

    private static String join(JsonNode array, String sep) {
        StringBuilder b = new StringBuilder();
        for (JsonNode x : array) {
            b.append(b.length() == 0 ? "" : sep).append(x.isTextual() ? x.asText() : x.toString());
        }
        return b.toString();
    }
}
