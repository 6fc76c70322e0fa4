package org.memtypelab.lab.cli;

import java.util.List;
import java.util.Map;

/** The human summary of a run: verdict, hazards with witnesses, migration, expectations, where the files are. */
public final class Summary {

    private Summary() {}

    @SuppressWarnings("unchecked")
    public static String render(Map<String, Object> doc, String dir) {
        StringBuilder sb = new StringBuilder();
        sb.append("scenario  ")
                .append(doc.get("scenario"))
                .append("  (seed ")
                .append(doc.get("seed"))
                .append(", nodes ")
                .append(doc.get("nodes"))
                .append(", ")
                .append(doc.get("wall_ms"))
                .append(" ms)\n");
        sb.append("verdict   ").append(doc.get("verdict")).append('\n');
        for (Map<String, Object> m : (List<Map<String, Object>>) doc.get("mappings")) {
            sb.append("  mapping  ")
                    .append(m.get("buffer"))
                    .append(' ')
                    .append(m.get("who"))
                    .append(": ")
                    .append(m.containsKey("type") ? m.get("type") : "dma, snoop=" + m.get("snoop"));
            if (m.containsKey("ept")) {
                Map<String, Object> ept = (Map<String, Object>) m.get("ept");
                sb.append(" (EPT ")
                        .append(ept.get("type"))
                        .append(Boolean.TRUE.equals(ept.get("ipat")) ? " +IPAT)" : ")");
            }
            if (Boolean.FALSE.equals(m.get("dereferenced"))) {
                sb.append(" (never dereferenced)");
            }
            sb.append('\n');
        }
        for (Map<String, Object> h : (List<Map<String, Object>>) doc.get("hazards")) {
            sb.append("  HAZARD   ")
                    .append(h.get("buffer"))
                    .append(' ')
                    .append(h.get("between"))
                    .append(' ')
                    .append(h.get("types"))
                    .append(' ')
                    .append(h.get("kind"))
                    .append(" at step ")
                    .append(h.get("step"))
                    .append("\n           witness: ")
                    .append(h.get("witness"))
                    .append('\n');
        }
        Map<String, Object> mig = (Map<String, Object>) doc.get("migration");
        if (!"not-attempted".equals(mig.get("status"))) {
            sb.append("migration ")
                    .append(mig.get("status"))
                    .append(": ")
                    .append(mig.get("reason"))
                    .append('\n');
        }
        for (Map<String, Object> s : (List<Map<String, Object>>) doc.get("steps")) {
            if (!Boolean.TRUE.equals(s.get("ok")) || s.containsKey("errno")) {
                sb.append("  step ")
                        .append(s.get("n"))
                        .append(' ')
                        .append(s.get("kind"))
                        .append(s.containsKey("errno") ? " -> " + s.get("errno") : " failed")
                        .append(": ")
                        .append(s.get("detail"))
                        .append('\n');
            }
        }
        Map<String, Object> faults = (Map<String, Object>) doc.get("faults");
        if (!Integer.valueOf(0).equals(faults.get("planned"))
                || !Integer.valueOf(0).equals(faults.get("injected"))) {
            sb.append("faults    ").append(faults).append('\n');
        }
        List<String> lost = (List<String>) doc.get("nodes_lost");
        if (!lost.isEmpty()) {
            sb.append("lost      ").append(lost).append('\n');
        }
        Map<String, Object> expect = (Map<String, Object>) doc.get("expect");
        List<String> failures = (List<String>) expect.get("failures");
        sb.append("expect    ").append(failures.isEmpty() ? "held" : "FAILED").append('\n');
        failures.forEach(f -> sb.append("  - ").append(f).append('\n'));
        if (!Boolean.TRUE.equals(doc.get("complete"))) {
            sb.append("INCOMPLETE ").append(doc.get("incomplete")).append('\n');
        }
        sb.append("files     ").append(dir).append("/{report.html,result.json,history.jsonl,trace-*.jsonl}\n");
        return sb.toString();
    }
}
