package org.memtypelab.lab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.report.Words;

/** The human summary of a run: verdict, hazards with witnesses, migration, expectations, where the files are. */
public final class Summary {

    private Summary() {}

    public static String render(RunResult r, String dir) {
        StringBuilder sb = new StringBuilder();
        sb.append("scenario  " + r.scenario() + "  (seed " + r.seed() + ", nodes " + r.nodes() + ", " + r.wallMs()
                + " ms)\n");
        sb.append("verdict   ").append(r.verdict()).append('\n');
        for (RunResult.MappingEntry m : r.mappings()) {
            sb.append("  mapping  " + m.buffer() + " " + m.who() + ": ");
            sb.append(m.type() != null ? m.type() : Boolean.TRUE.equals(m.snoop()) ? "dma, snoop" : "dma, no snoop");
            if (m.why() != null) {
                sb.append(" (").append(m.why()).append(')');
            }
            if (m.ept() != null) {
                sb.append(" (EPT ").append(m.ept().type()).append(m.ept().ipat() ? " +IPAT)" : ")");
            }
            if (Boolean.FALSE.equals(m.dereferenced())) {
                sb.append(" (never dereferenced)");
            }
            sb.append('\n');
        }
        for (RunResult.HazardEntry h : r.hazards()) {
            sb.append("  HAZARD   " + h.buffer() + " " + h.kind() + " at step " + h.step() + ": " + pairs(h));
            sb.append("\n           witness: ").append(h.witness()).append('\n');
        }
        if (!"not-attempted".equals(r.migration().status())) {
            sb.append("migration " + r.migration().status() + ": "
                    + Words.plain(r.migration().reason()) + "\n");
        }
        for (RunResult.StepEntry s : r.steps()) {
            if (!s.ok() || s.errno() != null) {
                sb.append("  step ").append(s.n()).append(' ').append(s.kind());
                sb.append(s.ok() ? ": " : " failed: ").append(Words.step(s.errno(), s.ok(), s.detail()));
                sb.append('\n');
            }
        }
        RunResult.FaultCounts f = r.faults();
        if (f.planned() != 0 || f.injected() != 0) {
            sb.append("faults    " + f.planned() + " planned, " + f.injected() + " injected");
            if (!f.byKind().isEmpty()) {
                sb.append(f.byKind().entrySet().stream()
                        .map(e -> e.getKey().replace('_', ' ') + " " + e.getValue())
                        .collect(Collectors.joining(", ", " (", ")")));
            }
            sb.append('\n');
        }
        if (!r.nodesLost().isEmpty()) {
            sb.append("lost      ").append(String.join(", ", r.nodesLost())).append('\n');
        }
        sb.append("expect    ")
                .append(
                        r.expect().held() == null
                                ? "not checked: the run is incomplete"
                                : r.expect().heldAll() ? "held" : "FAILED")
                .append('\n');
        r.expect()
                .failures()
                .forEach(f2 -> sb.append("  - ").append(Words.plain(f2)).append('\n'));
        if (!r.complete()) {
            sb.append("INCOMPLETE ").append(Words.plain(r.incomplete())).append('\n');
        }
        sb.append("files     ").append(dir).append("/{report.html,result.json,history.jsonl,trace-*.jsonl}\n");
        return sb.toString();
    }

    /** Who maps the buffer with which type: {@code guest WB, renderer WC}. */
    static String pairs(RunResult.HazardEntry h) {
        List<String> who = h.between() == null ? List.of() : h.between();
        List<String> types = h.types() == null ? List.of() : h.types();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < who.size(); i++) {
            parts.add(who.get(i) + (i < types.size() ? " " + types.get(i) : ""));
        }
        return String.join(", ", parts);
    }
}
