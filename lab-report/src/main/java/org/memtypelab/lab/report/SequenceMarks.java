package org.memtypelab.lab.report;

/**
 * What the sequence diagram draws on a lane for one history line: a dot with the line as its tooltip, a short note for
 * decisions, a red diamond for a fault (hollow where a fault was armed) with a dashed path toward the message's
 * addressee, an orange circle for a repeated command, and the kill or restart mark on the lane of the node it hit.
 */
final class SequenceMarks {

    private SequenceMarks() {}

    /** The mark of history line {@code e} on its node's lane: a dot, or a fault, resend or late-command symbol. */
    static void mark(StringBuilder s, SequenceDiagram d, HistoryEntry e, int y) {
        int x = d.x(e.node());
        String tip = Html.escape("Lamport " + e.lamport() + ", " + e.node()
                + (e.incarnation() > 1 ? " #" + e.incarnation() : "") + " " + e.kind() + ": " + e.text());
        s.append("<text class=\"lamport\" x=\"")
                .append(SequenceDiagram.GUTTER - 8)
                .append("\" y=\"")
                .append(y + 4)
                .append("\">")
                .append(e.lamport())
                .append("</text>");
        if (e.fault() || e.kind().equals("arm")) {
            String kind = e.kind().equals("arm") ? "fault arm" : "fault";
            s.append("<g class=\"")
                    .append(kind)
                    .append("\" data-node=\"")
                    .append(Html.escape(e.node()))
                    .append("\"><title>")
                    .append(tip)
                    .append("</title>")
                    .append(diamond(x, y, e.kind().equals("arm") ? 5 : 7));
            if (e.kind().equals("fault") && d.lanes().contains(e.peer())) {
                int px = d.x(e.peer());
                int end = x + (px - x) / 2;
                // the label goes right of the path when it points right, else right of the mark: never over a lane
                int lx = px > x ? end + 4 : x + 10;
                s.append("<line class=\"fault-path\" x1=\"")
                        .append(x)
                        .append("\" y1=\"")
                        .append(y)
                        .append("\" x2=\"")
                        .append(end)
                        .append("\" y2=\"")
                        .append(y)
                        .append("\"/>")
                        .append(label(lx, y, SequenceDiagram.cut(e.text(), 28), "fault-label"));
            } else if (!e.kind().equals("arm")) {
                s.append(label(x + 10, y, SequenceDiagram.cut(e.text(), 26), "fault-label"));
            }
            s.append("</g>");
            target(s, d, e, y, tip);
        } else {
            String cls = switch (e.kind()) {
                case "duplicate" -> "resend";
                case "stale" -> "stale";
                default -> "dot " + e.kind();
            };
            s.append("<circle class=\"")
                    .append(cls)
                    .append("\" cx=\"")
                    .append(x)
                    .append("\" cy=\"")
                    .append(y)
                    .append("\" r=\"")
                    .append(cls.equals("resend") ? 6 : 3.5)
                    .append("\"><title>")
                    .append(tip)
                    .append("</title></circle>");
            if (e.kind().equals("decide")
                    || e.kind().equals("duplicate")
                    || e.kind().equals("stale")) {
                s.append(label(x + 8, y, SequenceDiagram.cut(e.text(), 24), "note"));
            } else if (e.kind().equals("setup")) {
                s.append(label(x + 8, y, e.incarnation() > 1 ? "#" + e.incarnation() + " joined" : "joined", "note"));
            }
        }
        s.append('\n');
    }

    /** A kill or restart the conductor decided is marked on the lane of the node it hit, too. */
    private static void target(StringBuilder s, SequenceDiagram d, HistoryEntry e, int y, String tip) {
        if (!e.kind().equals("decide")) {
            return;
        }
        String what = e.text().endsWith(" killed")
                ? "killed"
                : e.text().endsWith(" restarted as a new incarnation") ? "restarted" : "";
        String node = e.text().split(" ", 2)[0];
        if (what.isEmpty() || !d.lanes().contains(node) || node.equals(e.node())) {
            return;
        }
        int x = d.x(node);
        s.append("<g class=\"fault ")
                .append(what)
                .append("\" data-node=\"")
                .append(Html.escape(node))
                .append("\"><title>")
                .append(tip)
                .append("</title>");
        if (what.equals("killed")) {
            s.append("<path class=\"kill\" d=\"M")
                    .append(x - 7)
                    .append(',')
                    .append(y - 7)
                    .append("l14,14m0,-14l-14,14\"/>");
        } else {
            s.append(diamond(x, y, 7));
        }
        s.append(label(x + 10, y, what, "fault-label")).append("</g>");
    }

    private static String diamond(int x, int y, int r) {
        return "<path class=\"diamond\" d=\"M" + x + "," + (y - r) + "l" + r + "," + r + "l-" + r + "," + r + "l-" + r
                + ",-" + r + "z\"/>";
    }

    private static String label(int x, int y, String text, String cls) {
        return "<text class=\"" + cls + "\" x=\"" + x + "\" y=\"" + (y + 4) + "\">" + Html.escape(text) + "</text>";
    }
}
