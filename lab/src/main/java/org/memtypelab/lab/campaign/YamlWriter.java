package org.memtypelab.lab.campaign;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.Loc;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/**
 * Writes a YAML tree back as text that parses to the same tree: mappings in block style, list items in flow style
 * (the bundled scenarios' own layout), strings plain only where YAML cannot read them as anything else (else
 * double-quoted), other scalars exactly as they were written, so {@code "6.10"} stays a string and {@code 0xab} an
 * integer. Remembers where it wrote each key and value, so that an
 * error the scenario loader reports in the text can be traced back to the matrix key or value that caused it.
 */
final class YamlWriter {

    /** The text, and the line and column of every key and every value written. */
    record Rendered(String text, Map<Entry, Loc> keyLocs, Map<Node, Loc> nodeLocs) {

        /** Where the keys and values of {@code node}'s subtree were written. */
        Set<Loc> locsOf(Node node) {
            Set<Loc> out = new HashSet<>();
            collect(node, out);
            return out;
        }

        private void collect(Node node, Set<Loc> out) {
            if (nodeLocs.containsKey(node)) {
                out.add(nodeLocs.get(node));
            }
            if (node instanceof MapNode m) {
                for (Entry e : m.entries()) {
                    if (keyLocs.containsKey(e)) {
                        out.add(keyLocs.get(e));
                    }
                    collect(e.value(), out);
                }
            } else if (node instanceof SeqNode s) {
                s.items().forEach(i -> collect(i, out));
            }
        }
    }

    /** Text that is a string when written plain: starts with a letter, no flow or comment characters. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_./+-]*");
    /** Plain words YAML 1.1 would read as booleans or null. */
    private static final Set<String> RESERVED = Set.of("y", "yes", "n", "no", "true", "false", "on", "off", "null");

    private final StringBuilder out = new StringBuilder();
    private final Map<Entry, Loc> keyLocs = new IdentityHashMap<>();
    private final Map<Node, Loc> nodeLocs = new IdentityHashMap<>();
    private int line = 1;
    private int lineStart = 0;

    private YamlWriter() {}

    /** The whole document, each line of {@code header} written first as a comment. */
    static Rendered render(MapNode root, List<String> header) {
        YamlWriter w = new YamlWriter();
        header.forEach(h -> w.text("# " + h).newline());
        w.block(root, 0);
        return new Rendered(w.out.toString(), w.keyLocs, w.nodeLocs);
    }

    /** One node on one line, in flow style: {@code {buffer: "b0", flags: ["kvm-mem-dma"]}}. */
    static String flow(Node node) {
        YamlWriter w = new YamlWriter();
        w.inline(node);
        return w.out.toString();
    }

    private void block(MapNode map, int indent) {
        for (Entry e : map.entries()) {
            text(" ".repeat(indent));
            if (e == map.entries().get(0)) {
                nodeLocs.put(map, here()); // a block mapping starts at its first key
            }
            key(e).text(":");
            Node v = e.value();
            if (v instanceof MapNode m && !m.entries().isEmpty()) {
                newline();
                block(m, indent + 2);
            } else if (v instanceof SeqNode s && !s.items().isEmpty()) {
                newline();
                for (Node item : s.items()) {
                    text(" ".repeat(indent + 2));
                    if (item == s.items().get(0)) {
                        nodeLocs.put(s, here()); // a block sequence starts at its first '-'
                    }
                    text("- ");
                    inline(item);
                    newline();
                }
            } else {
                text(" ");
                inline(v);
                newline();
            }
        }
    }

    private void inline(Node node) {
        nodeLocs.put(node, here());
        if (node instanceof Scalar s) {
            text(scalar(s));
        } else if (node instanceof SeqNode s) {
            text("[");
            for (int i = 0; i < s.items().size(); i++) {
                text(i == 0 ? "" : ", ");
                inline(s.items().get(i));
            }
            text("]");
        } else {
            MapNode m = (MapNode) node;
            text("{");
            for (int i = 0; i < m.entries().size(); i++) {
                Entry e = m.entries().get(i);
                text(i == 0 ? "" : ", ").key(e).text(": ");
                inline(e.value());
            }
            text("}");
        }
    }

    private static String scalar(Scalar s) {
        return switch (s.type()) {
            case STRING -> string(s.text());
            case NULL -> "null";
            default -> s.text();
        };
    }

    private Loc here() {
        return new Loc(line, out.length() - lineStart + 1);
    }

    private YamlWriter key(Entry e) {
        keyLocs.put(e, here());
        return text(string(e.key()));
    }

    private static String string(String text) {
        return PLAIN.matcher(text).matches() && !RESERVED.contains(text.toLowerCase(Locale.ROOT)) ? text : quoted(text);
    }

    private static String quoted(String text) {
        // JSON string escapes are valid in a YAML double-quoted scalar
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private YamlWriter text(String s) {
        out.append(s);
        return this;
    }

    private YamlWriter newline() {
        out.append('\n');
        line++;
        lineStart = out.length();
        return this;
    }
}
