package org.memtypelab.lab.report;

import static org.memtypelab.lab.report.DocumentFields.or;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.documents.RunResult;

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
            RunResult result,
            List<HistoryEntry> history,
            String scenarioYaml,
            String description,
            String campaignReport) {}

    private RunReport() {}

    static String render(Input in) {
        RunResult r = in.result();
        String scenario = or(r.scenario(), "(unnamed scenario)");
        String verdict = or(r.verdict(), "unknown");
        Html h = new Html().head(scenario + " - " + verdict + " - memtype-lab run");
        header(h, in, scenario, verdict);
        mappings(h, list(r.mappings()));
        hazards(h, r, RuleChain.platform(in.scenarioYaml()));
        Map<Integer, String> stepKinds = new HashMap<>();
        for (RunResult.StepEntry s : list(r.steps())) {
            stepKinds.put(s.n(), or(s.kind(), ""));
        }
        sequence(h, in, stepKinds);
        checks(h, r);
        Set<Integer> failed = new HashSet<>();
        steps(h, list(r.steps()), stepKinds, failed);
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
        RunResult r = in.result();
        h.open("dl", "facts");
        h.fact("seed", String.valueOf(r.seed()));
        h.fact("nodes", or(r.nodes(), ""));
        h.el("dt", "", "run").open("dd", "");
        if (r.complete()) {
            h.el("span", "ok", "complete");
        } else {
            h.el("span", "bad", "incomplete (exit 3)");
            String why = Words.plain(or(r.incomplete(), ""));
            if (!why.isEmpty()) {
                h.text(": " + why);
            }
        }
        h.close("dd");
        expect(h, r.expect());
        h.fact("wall time", r.wallMs() + " ms");
        RunResult.CampaignRun c = r.campaign();
        if (c != null) {
            h.fact("campaign", or(c.name(), "") + ", cell " + or(c.cell(), "") + ", run " + or(c.run(), ""));
        }
        h.close("dl");
    }

    private static void mappings(Html h, List<RunResult.MappingEntry> mappings) {
        if (!h.section(
                "Mappings", mappings, "No mappings reported (the monitor gave no report, or no buffer was mapped).")) {
            return;
        }
        Map<String, List<RunResult.MappingEntry>> byBuffer = new LinkedHashMap<>();
        for (RunResult.MappingEntry m : mappings) {
            byBuffer.computeIfAbsent(or(m.buffer(), ""), b -> new ArrayList<>()).add(m);
        }
        byBuffer.forEach((buffer, entries) -> {
            h.open("h3", "").text("buffer ").el("code", "", buffer).close("h3");
            h.open("table", "").headerRow("who", "type", "EPT leaf", "dereferenced");
            for (RunResult.MappingEntry m : entries) {
                h.raw("<tr>").el("td", "", or(m.who(), ""));
                String type = m.snoop() != null ? (m.snoop() ? "dma, snoop" : "dma, no snoop") : or(m.type(), "");
                if (m.why() != null) {
                    type += " (" + m.why() + ")";
                }
                h.el("td", "mono", type);
                RunResult.EptEntry ept = m.ept();
                h.el("td", "mono", ept != null ? or(ept.type(), "") + (ept.ipat() ? " +IPAT" : " (IPAT=0)") : "");
                boolean deref = m.dereferenced() == null || m.dereferenced();
                h.el("td", deref ? "" : "muted", deref ? "yes" : "no (exists only for KVM)");
                h.raw("</tr>");
            }
            h.close("table");
        });
    }

    private static void sequence(Html h, Input in, Map<Integer, String> stepKinds) {
        h.raw("<h2 id=\"sequence\">Message sequence</h2>");
        h.el(
                "p",
                "muted",
                "One lane per node, one row per line of history.jsonl in Lamport order (the number on the left). Grey"
                        + " arrows are messages between nodes, from the sender's last line before the receipt; blue"
                        + " dashed arrows are events reported to the monitor. Red diamonds are faults injected or"
                        + " applied (hollow: armed), orange circles repeats answered without acting; steps where a"
                        + " hazard arose are shaded red. Hover over anything for the whole line.");
        Map<Integer, List<String>> hazards = new HashMap<>();
        for (RunResult.HazardEntry z : list(in.result().hazards())) {
            hazards.computeIfAbsent(z.step(), k -> new ArrayList<>()).add(Words.hazard(z));
        }
        SequenceDiagram.of(in.history()).render(h, hazards, stepKinds);
    }

    private static void hazards(Html h, RunResult r, Optional<RuleChain.Platform> platform) {
        List<RunResult.HazardEntry> hazards = list(r.hazards());
        if (!h.section("Hazards", hazards, "No hazards.")) {
            return;
        }
        h.open("table", "hazards")
                .headerRow("buffer", "kind", "between", "types", "step", "witness", "why: the rules explain cites");
        for (RunResult.HazardEntry z : hazards) {
            h.raw("<tr class=\"hazard-row\">").el("td", "mono", or(z.buffer(), ""));
            h.el("td", "bad", or(z.kind(), ""));
            h.el("td", "", String.join(" / ", list(z.between())));
            h.el("td", "mono", String.join(" / ", list(z.types())));
            int step = z.step();
            h.open("td", "num");
            if (step > 0) {
                h.link("#step-" + step, step);
            } else {
                h.text("-");
            }
            h.close("td");
            h.el("td", "witness", or(z.witness(), ""));
            h.open("td", "rules");
            Optional<RuleChain> chain = RuleChain.of(z, r, platform);
            if (chain.isPresent()) {
                h.el("code", "explain", chain.get().command()).open("ol", "rule-chain");
                for (String line : chain.get().because()) {
                    h.el("li", "", line);
                }
                h.close("ol");
            } else {
                h.el(
                        "span",
                        "muted",
                        "explain covers guest accesses; the guest is not one of this pair, or the run"
                                + " did not record its guest-map step");
            }
            h.close("td").raw("</tr>");
        }
        h.close("table");
    }

    private static void expect(Html h, RunResult.ExpectEntry expect) {
        h.el("dt", "", "expect").open("dd", "");
        if (expect == null || expect.held() == null) {
            h.el("span", "", "not checked: the run is incomplete");
        } else if (expect.heldAll()) {
            h.el("span", "ok", "held");
        } else {
            h.el("span", "bad", "did not hold:").open("ul", "");
            for (String f : list(expect.failures())) {
                h.el("li", "", f);
            }
            h.close("ul");
        }
        h.close("dd");
    }

    private static void checks(Html h, RunResult r) {
        h.el("h2", "", "Migration, faults, truth");
        h.open("dl", "facts");
        RunResult.MigrationEntry mig = r.migration();
        String status = mig == null ? "-" : or(mig.status(), "-");
        String reason = mig == null ? "" : Words.plain(or(mig.reason(), ""));
        h.fact("migration", status + (reason.isEmpty() ? "" : ": " + reason));
        expect(h, r.expect());
        h.fact("faults", faults(r.faults()));
        List<RunResult.PlannedFault> plan =
                r.campaign() == null ? List.of() : list(r.campaign().faultPlan());
        if (!plan.isEmpty()) {
            h.el("dt", "", "fault plan").open("dd", "").open("ul", "");
            for (RunResult.PlannedFault a : plan) {
                h.el("li", "", planned(a));
            }
            h.close("ul").close("dd");
        }
        List<String> lost = list(r.nodesLost());
        h.fact("nodes lost", lost.isEmpty() ? "none" : String.join(", ", lost));
        truth(h, r.truth());
        RunResult.MonitorEntry monitor = r.monitor();
        if (monitor != null) {
            List<CoherencyLedger.Gap> unobserved = list(monitor.unobserved());
            h.fact(
                    "monitor",
                    monitor.events() + " events"
                            + (unobserved.isEmpty()
                                    ? ", saw everything"
                                    : ", could not observe: "
                                            + unobserved.stream()
                                                    .map(RunReport::gap)
                                                    .collect(Collectors.joining("; "))));
        }
        List<String> notes = list(r.notes());
        if (!notes.isEmpty()) {
            h.el("dt", "", "notes").open("dd", "").open("ul", "");
            for (String n : notes) {
                h.el("li", "", Words.plain(n));
            }
            h.close("ul").close("dd");
        }
        h.close("dl");
    }

    private static void truth(Html h, RunResult.TruthEntry t) {
        h.el("dt", "", "truth").open("dd", "");
        if (t == null) {
            h.el("span", "muted", "not compared (no trace-truth comparison in result.json)");
        } else {
            List<RunResult.HazardEntry> missed = list(t.missed());
            List<RunResult.HazardEntry> falseOnes = list(t.falseAlarms());
            h.text("from the traces: ").badge(or(t.verdict(), "unknown"), false).text("; ");
            h.el("span", missed.isEmpty() ? "ok" : "bad", "missed " + missed.size());
            h.text(missed.isEmpty() ? "" : " (" + join(missed) + ")").text(", ");
            h.el("span", falseOnes.isEmpty() ? "ok" : "bad", "false " + falseOnes.size());
            h.text(falseOnes.isEmpty() ? "" : " (" + join(falseOnes) + ")");
        }
        h.close("dd");
    }

    private static String faults(RunResult.FaultCounts f) {
        if (f == null) {
            return "0 injected of 0 planned";
        }
        StringBuilder b = new StringBuilder();
        b.append(f.injected()).append(" injected of ").append(f.planned()).append(" planned");
        f.byKind()
                .forEach((kind, n) -> b.append(", ")
                        .append(kind.replace('_', ' '))
                        .append(' ')
                        .append(n));
        return b.toString();
    }

    private static void steps(
            Html h, List<RunResult.StepEntry> steps, Map<Integer, String> kinds, Set<Integer> failed) {
        if (!h.section("Steps", steps, "No step ran.")) {
            return;
        }
        h.open("table", "").headerRow("n", "kind", "node", "ok", "errno", "detail");
        for (RunResult.StepEntry s : steps) {
            int n = s.n();
            boolean ok = s.ok();
            kinds.put(n, or(s.kind(), ""));
            if (!ok) {
                failed.add(n);
            }
            h.raw("<tr>").open("td", "num").link("#step-" + n, n).close("td");
            h.el("td", "", or(s.kind(), ""));
            h.el("td", "", or(s.node(), ""));
            h.el("td", ok ? "ok" : "bad", ok ? "yes" : "no");
            String errno = or(s.errno(), "");
            h.el("td", errno.isEmpty() || errno.equals("0") ? "mono" : "mono bad", errno);
            h.el("td", "", Words.step(s.errno(), ok, s.detail()));
            h.raw("</tr>");
        }
        h.close("table");
    }

    /** Hazards as the summary lists them, separated by {@code "; "}. */
    private static String join(List<RunResult.HazardEntry> hazards) {
        return hazards.stream().map(Words::hazard).collect(Collectors.joining("; "));
    }

    /** {@code qemu-node (incarnation 2) events 3, 4}. */
    static String gap(CoherencyLedger.Gap g) {
        List<Long> missing = list(g.missing());
        return g.node() + " (incarnation " + g.incarnation() + ") event" + (missing.size() == 1 ? " " : "s ")
                + missing.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** One armed fault of a campaign run: {@code step 3: kill qemu-node}, {@code step 1: drop 2% of the messages}. */
    static String planned(RunResult.PlannedFault a) {
        List<String> what = new ArrayList<>();
        for (RunResult.MessageRuleEntry m : list(a.messages())) {
            what.add(Words.message(or(m.action(), "?"), "", "", "", 0, m.probability(), m.ms() == null ? 0 : m.ms()));
        }
        if (a.kill() != null) {
            what.add("kill " + a.kill());
        }
        if (a.restart() != null) {
            what.add("restart " + a.restart());
        }
        if (a.partition() != null) {
            what.add("partition "
                    + a.partition().stream().map(g -> String.join(", ", g)).collect(Collectors.joining(" | ")));
        }
        if (a.heal() != null) {
            what.add("heal every partition");
        }
        return "step " + a.step() + ": " + (what.isEmpty() ? "nothing" : String.join("; ", what));
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
