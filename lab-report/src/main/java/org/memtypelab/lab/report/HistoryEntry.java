package org.memtypelab.lab.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One line of history.jsonl as the timeline shows it: which node, what kind of record, a short text, and whether it
 * is a fault (injected by the plan, or a message the outbox dropped, delayed, duplicated or reordered).
 *
 * @param look the CSS class: the record kind, {@code fault} for faults, {@code duplicate} for retries and repeats
 */
record HistoryEntry(String node, long incarnation, int step, String kind, String look, String text) {

    private static final Set<String> ENVELOPE =
            Set.of("node", "incarnation", "line", "lamport", "step", "wall", "kind");

    boolean fault() {
        return look.equals("fault");
    }

    static HistoryEntry of(JsonNode line) {
        String node = line.path("node").asText("?");
        long incarnation = line.path("incarnation").asLong(1);
        int step = line.path("step").asInt(0);
        String kind = line.path("kind").asText("?");
        String text = switch (kind) {
            case "setup" -> "joined the run";
            case "recv" ->
                line.path("what").asText() + " \u2190 " + line.path("from").asText();
            case "send" -> "\u2192 " + line.path("what").asText();
            case "decide" -> line.path("detail").asText();
            case "event" -> observation(line.path("observation"));
            case "fault" ->
                line.path("fault").asText() + " " + line.path("message").asText() + " \u2192 "
                        + line.path("to").asText();
            case "duplicate" ->
                "again: " + line.path("what").asText() + " (answered without acting, "
                        + line.path("resent").asText() + " message(s) resent)";
            case "arm" -> armed(line);
            default -> rest(line);
        };
        return new HistoryEntry(node, incarnation, step, kind, look(kind, text), text);
    }

    /** The conductor records its own faults and retries as decisions; they are highlighted like the nodes'. */
    private static String look(String kind, String text) {
        if (kind.equals("fault")) {
            return "fault";
        }
        if (kind.equals("decide")
                && (text.startsWith("inject ")
                        || text.startsWith("fault ")
                        || text.endsWith(" killed")
                        || text.endsWith(" restarted as a new incarnation"))) {
            return "fault";
        }
        if (kind.equals("duplicate") || (kind.equals("decide") && text.startsWith("no answer to "))) {
            return "duplicate";
        }
        return kind.replaceAll("[^a-z0-9-]", "");
    }

    /** "mapping guest WB (EPT WB +IPAT)", "guest write 0xab at +0 (WB)", "reported unmappable qemu/renderer". */
    static String observation(JsonNode o) {
        String obs = o.path("obs").asText();
        return switch (obs) {
            case "mapping-set" -> {
                JsonNode m = o.path("mapping");
                String s = "mapping " + who(m.path("who")) + " " + type(m.path("type"));
                yield m.path("dereferenced").asBoolean(true) ? s : s + ", never dereferenced";
            }
            case "mapping-gone" ->
                "unmapped " + who(o.path("who")) + " of " + o.path("buffer").asText();
            case "access" ->
                who(o.path("who")) + (o.path("write").asBoolean() ? " write " : " read ")
                        + String.format(Locale.ROOT, "0x%02x", o.path("value").asInt())
                        + " at " + o.path("buffer").asText() + "+"
                        + o.path("offset").asLong()
                        + " (" + type(o.path("type")) + ")";
            case "reported" -> {
                JsonNode h = o.path("hazard");
                StringBuilder pair = new StringBuilder();
                for (JsonNode w : h.path("between")) {
                    pair.append(pair.length() == 0 ? "" : "/").append(who(w));
                }
                yield "reported " + kindLabel(h.path("kind").asText()) + " "
                        + h.path("buffer").asText() + " " + pair;
            }
            default -> "event " + o;
        };
    }

    private static String who(JsonNode w) {
        return w.asText("?").toLowerCase(Locale.ROOT);
    }

    private static String kindLabel(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A mapping type as MappingType serialises it: cpu, guest (with its EPT leaf), unverified, dma. */
    static String type(JsonNode t) {
        return switch (t.path("as").asText()) {
            case "cpu" -> t.path("type").asText();
            case "guest" -> {
                JsonNode ept = t.path("ept");
                String leaf = ept.isMissingNode() || ept.isNull()
                        ? ""
                        : " (EPT " + ept.path("type").asText()
                                + (ept.path("ipat").asBoolean() ? " +IPAT" : "") + ")";
                yield t.path("type").asText() + leaf;
            }
            case "unverified" -> "unknown (" + t.path("why").asText() + ")";
            case "dma" -> t.path("snoop").asBoolean() ? "dma, snoop" : "dma, no snoop";
            default -> t.toString();
        };
    }

    private static String armed(JsonNode line) {
        StringBuilder b =
                new StringBuilder("armed ").append(line.path("rules").asInt()).append(" message rule(s)");
        String partition = line.path("partition").asText("[]");
        if (!partition.equals("[]") && !partition.isEmpty()) {
            b.append(", partition ").append(partition);
        }
        if (line.path("heal").asBoolean()) {
            b.append(", heal");
        }
        return b.toString();
    }

    /** A record kind this page does not know: its own fields, as recorded. */
    private static String rest(JsonNode line) {
        StringBuilder b = new StringBuilder(line.path("kind").asText("?"));
        for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!ENVELOPE.contains(f.getKey())) {
                b.append(' ').append(f.getKey()).append('=').append(f.getValue());
            }
        }
        return b.toString();
    }
}
