package org.memtypelab.lab.report;

import java.util.Locale;
import java.util.stream.Collectors;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.documents.TraceLine;

/**
 * One line of history.jsonl as the timeline shows it: which node, what kind of record, a short text, and whether it
 * is a fault (injected by the plan, or a message the outbox dropped, delayed, duplicated or reordered).
 *
 * @param look the CSS class: the record kind, {@code fault} for faults, {@code duplicate} for retries and repeats
 * @param lamport the line's Lamport clock
 * @param peer the other node of a message: who sent a received one, whom a faulted one was for; empty otherwise
 */
record HistoryEntry(
        String node, long incarnation, int step, String kind, String look, String text, long lamport, String peer) {

    boolean fault() {
        return look.equals("fault");
    }

    static HistoryEntry of(TraceLine line) {
        String text;
        String look = null;
        if (line instanceof TraceLine.Setup) {
            text = "joined the run";
        } else if (line instanceof TraceLine.Recv r) {
            text = r.what() + " \u2190 " + r.from();
        } else if (line instanceof TraceLine.Send s) {
            text = "\u2192 " + s.what();
        } else if (line instanceof TraceLine.Decide d) {
            look = look(line.kind(), d.detail());
            text = Words.outcome(d.detail());
        } else if (line instanceof TraceLine.Event e) {
            text = observation(e.observation());
        } else if (line instanceof TraceLine.Fault f) {
            text = f.fault() + " " + f.message() + " \u2192 " + f.to();
        } else if (line instanceof TraceLine.Duplicate d) {
            text = "again: " + d.what() + " (answered without acting, " + d.resent() + " message(s) resent)";
        } else if (line instanceof TraceLine.Arm a) {
            text = armed(a);
        } else if (line instanceof TraceLine.Stale s) {
            text = "late " + s.what() + " of run " + s.run() + ", not acted on";
        } else if (line instanceof TraceLine.Rejected r) {
            look = "fault";
            text = "rejected " + r.message() + ": " + r.reason();
        } else {
            throw new IllegalStateException("a trace line kind the timeline does not show: " + line.kind());
        }
        return new HistoryEntry(
                line.node(),
                line.incarnation(),
                line.step(),
                line.kind(),
                look != null ? look : look(line.kind(), text),
                text,
                line.lamport(),
                line instanceof TraceLine.Recv r ? r.from() : line instanceof TraceLine.Fault f ? f.to() : "");
    }

    /**
     * The conductor records its retries and the faults it injects as decisions; they are highlighted like faults. A
     * decision is judged by the text the node recorded.
     */
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
        return kind;
    }

    /** "mapping guest WB (EPT WB +IPAT)", "guest write 0xab at b0+0 (WB)", "reported unmappable b0 qemu/renderer". */
    static String observation(Observation o) {
        if (o instanceof Observation.MappingSet m) {
            String s = "mapping " + m.mapping().who().label() + " "
                    + type(m.mapping().type());
            return m.mapping().dereferenced() ? s : s + ", never dereferenced";
        }
        if (o instanceof Observation.MappingGone g) {
            return "unmapped " + g.who().label() + " of " + g.buffer();
        }
        if (o instanceof Observation.Access a) {
            return a.who().label() + (a.write() ? " write " : " read ")
                    + String.format(Locale.ROOT, "0x%02x", a.value()) + " at " + a.buffer() + "+" + a.offset() + " ("
                    + type(a.type()) + ")";
        }
        Observation.Reported r = (Observation.Reported) o;
        String pair = r.hazard().between().stream().map(w -> w.label()).collect(Collectors.joining("/"));
        return "reported " + r.hazard().kind().label() + " " + r.hazard().buffer() + " " + pair;
    }

    /** A mapping type as a person reads it: WB, WB (EPT WB +IPAT), unknown (why), dma with or without snoop. */
    static String type(MappingType t) {
        if (t instanceof MappingType.Guest g) {
            return g.type().label() + " (EPT " + g.ept().type().label()
                    + (g.ept().ipat() ? " +IPAT" : "") + ")";
        }
        if (t instanceof MappingType.Unverified u) {
            return "unknown (" + u.why() + ")";
        }
        if (t instanceof MappingType.Dma d) {
            return d.snoop() ? "dma, snoop" : "dma, no snoop";
        }
        return t.label();
    }

    private static String armed(TraceLine.Arm a) {
        StringBuilder b = new StringBuilder("armed ").append(a.rules()).append(" message rule(s)");
        String partition = Words.partition(a.partition());
        if (!partition.isEmpty()) {
            b.append(", partition ").append(partition);
        }
        if (a.heal()) {
            b.append(", heal");
        }
        return b.toString();
    }
}
