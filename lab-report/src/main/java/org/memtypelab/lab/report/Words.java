package org.memtypelab.lab.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.memtypelab.documents.RunResult;

/**
 * The texts the nodes record (a step's detail, a decision, why a run is incomplete) in the words a person reads: a
 * memslot as {@code slot 0:10 (gpa 0x100000000, 2 MiB, hva 0x7f0000000000)}, KVM's change as {@code KVM created ...},
 * an injected fault as {@code delay the next message from kvm-node to conductor by 2500 ms}, lists without brackets.
 * The console summary and both reports use it, so they say the same thing.
 */
public final class Words {

    private Words() {}

    /** KVM's {@code kvm_mr_change} at the start of a memslot answer (DOMAIN 3.2 steps 6-8). */
    private static final Pattern CHANGE = Pattern.compile("^(CREATE|DELETE|MOVE|FLAGS_ONLY|NO_OP): ");

    /** A rule citation leading a clause: {@code DOMAIN 3.2 step 7: creates ...}. */
    private static final Pattern CITED = Pattern.compile("^(DOMAIN [^:;]+): (.+)$");

    /** A memslot as {@code Memslot.toString} writes it. */
    private static final Pattern MEMSLOT = Pattern.compile(
            "slot (\\d+):(\\d+) gpa (0x[0-9a-f]+)\\+(0x[0-9a-f]+) hva (0x[0-9a-f]+) \\[([^\\]\\[]*)\\]");

    /** The start of a record's {@code toString}: {@code Kill[node=...]}, {@code Heal[]}. */
    private static final Pattern RECORD = Pattern.compile("\\b([A-Z][A-Za-z0-9]*)\\[(?=\\]|[a-z][A-Za-z0-9]*=)");

    /** The start of a map's {@code toString}: {@code {planned=2, ...}}. */
    private static final Pattern MAP = Pattern.compile("\\{(?=[a-z][\\w-]*=)");

    /** A list's {@code toString} where it stands as a value, not an index ({@code steps[1]} stays). */
    private static final Pattern LIST = Pattern.compile("(^|(?<=[\\s(:,]))\\[");

    /** DOMAIN.md's markers of a table cell ({@code [U]}: unverified), which are not lists. */
    private static final Pattern MARKER = Pattern.compile("\\[[A-Z]{1,2}\\]");

    /** A record's name and bracket, where {@link Parser} reads a value. */
    private static final Pattern NAMED = Pattern.compile("[A-Z][A-Za-z0-9]*\\[");

    /** One step's answer after {@code step N kind}: what KVM did, or why the step failed. */
    public static String step(String errno, boolean ok, String detail) {
        String text = detail == null ? "" : detail.strip();
        boolean failedErrno = errno != null && !errno.isEmpty() && !errno.equals("0");
        if (failedErrno && text.startsWith(errno + ": ")) {
            text = cited(plain(text.substring(errno.length() + 2)));
        } else {
            text = outcome(text);
        }
        if (failedErrno && !text.contains(errno)) {
            text = errno + ": " + text;
        }
        return text;
    }

    /** A node's answer or decision: KVM's memslot change in words, then {@link #plain}. */
    public static String outcome(String text) {
        if (text == null) {
            return "";
        }
        Matcher m = CHANGE.matcher(text);
        if (!m.find()) {
            return plain(text);
        }
        String change = m.group(1);
        String rest = cited(plain(text.substring(m.end())));
        if (change.equals("CREATE") && rest.startsWith("creates ")) {
            return "KVM created " + rest.substring("creates ".length());
        }
        if (change.equals("DELETE") && rest.startsWith("deletes ")) {
            return "KVM deleted " + rest.substring("deletes ".length());
        }
        return "KVM: " + rest;
    }

    /** The rule cited at the start of the first clause moved to its end: {@code what - DOMAIN rule 22; more}. */
    private static String cited(String text) {
        int end = text.indexOf("; ");
        String first = end < 0 ? text : text.substring(0, end);
        Matcher cited = CITED.matcher(first);
        return cited.matches() ? cited.group(2) + " - " + cited.group(1) + (end < 0 ? "" : text.substring(end)) : text;
    }

    /**
     * A text with the Java spellings of memslots, records, maps and lists turned into words; everything else is left
     * as it is.
     */
    public static String plain(String text) {
        if (text == null) {
            return "";
        }
        String s = memslots(text);
        s = replaceAll(s, RECORD, true);
        s = replaceAll(s, MAP, false);
        s = replaceAll(s, LIST, false);
        return s;
    }

    /** A partition as the trace writes it ({@code [[kvm-node], [monitor]]}): {@code kvm-node | monitor}. */
    public static String partition(String text) {
        String p = text == null ? "" : text.strip();
        if (p.isEmpty() || p.equals("[]")) {
            return "";
        }
        return p.startsWith("[") ? render(new Parser(p).value()) : p;
    }

    /** A hazard the way the summary lists one: {@code b0 guest/renderer memtype-alias at step 4}. */
    public static String hazard(RunResult.HazardEntry h) {
        String between = h.between() == null ? "" : String.join("/", h.between());
        return (h.buffer() == null ? "" : h.buffer()) + " " + between + " " + (h.kind() == null ? "" : h.kind())
                + (h.step() > 0 ? " at step " + h.step() : "");
    }

    /** A size in the unit it is a whole number of: {@code 2 MiB}, {@code 1 GiB}, {@code 0x1234 bytes}. */
    static String size(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        long[] scale = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % scale[i] == 0) {
                return (bytes / scale[i]) + " " + units[i];
            }
        }
        return "0x" + Long.toHexString(bytes) + " bytes";
    }

    private static String memslots(String text) {
        Matcher m = MEMSLOT.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String flags = m.group(6).strip();
            String slot = "slot " + m.group(1) + ":" + m.group(2) + " (gpa " + m.group(3) + ", "
                    + size(Long.parseUnsignedLong(m.group(4).substring(2), 16)) + ", hva " + m.group(5)
                    + (flags.isEmpty() ? "" : ", flags " + flags) + ")";
            m.appendReplacement(b, Matcher.quoteReplacement(slot));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** Replaces each match of {@code start} and its bracketed rest (up to the matching bracket) by its words. */
    private static String replaceAll(String text, Pattern start, boolean named) {
        StringBuilder b = new StringBuilder();
        int from = 0;
        Matcher m = start.matcher(text);
        while (m.find(from)) {
            int open = m.end() - 1;
            int close = matching(text, open);
            if (close < 0
                    || !balanced(text.substring(open, close + 1))
                    || MARKER.matcher(text.substring(open)).lookingAt()) {
                // not a toString: a half-open range "[0x0, 0x1000)", DOMAIN.md's "[U]" marker
                b.append(text, from, open + 1);
                from = open + 1;
                continue;
            }
            int begin = named ? m.start() : open;
            b.append(text, from, begin);
            Object value = new Parser(text.substring(begin, close + 1)).value();
            String words = render(value);
            if (value instanceof List<?> items) {
                // "blockers [], ..." says none, "resend [4, 5]" resend 4, 5; a list that more text follows after a
                // comma keeps its bounds: "blockers (virgl is not yet migratable), blobs to copy 0"
                boolean bounded = text.startsWith(", ", close + 1) && items.size() > 0;
                words = items.isEmpty() ? "none" : bounded ? "(" + words + ")" : words;
            }
            b.append(words);
            from = close + 1;
        }
        b.append(text.substring(from));
        return b.toString();
    }

    /** Whether round brackets pair up inside a span. */
    private static boolean balanced(String span) {
        int depth = 0;
        for (char c : span.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** The index of the bracket closing the one at {@code open}, or -1. */
    private static int matching(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** A record as its {@code toString} wrote it: its simple name and its components as text, lists and records. */
    record Rec(String name, Map<String, Object> fields) {
        String text(String key) {
            Object v = fields.get(key);
            return v == null ? "" : render(v);
        }
    }

    /** Reads {@code Name[k=v, ...]}, {@code {k=v, ...}}, {@code [a, b]} and plain text, nested. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Object value() {
            Matcher named = NAMED.matcher(s);
            if (named.region(i, s.length()).lookingAt() && fieldsFollow(named.end())) {
                String name = s.substring(i, named.end() - 1);
                i = named.end();
                return new Rec(name, fields(']'));
            }
            if (i < s.length() && s.charAt(i) == '{' && fieldsFollow(i + 1)) {
                i++;
                return new Rec("", fields('}'));
            }
            if (i < s.length() && s.charAt(i) == '[') {
                i++;
                List<Object> items = new ArrayList<>();
                while (i < s.length() && s.charAt(i) != ']') {
                    items.add(value());
                    skip(", ");
                }
                i++;
                return items;
            }
            int start = i;
            int depth = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (depth == 0 && (c == ']' || c == '}' || s.startsWith(", ", i))) {
                    break;
                }
                depth += c == '[' || c == '{' ? 1 : c == ']' || c == '}' ? -1 : 0;
                i++;
            }
            return s.substring(start, i);
        }

        private boolean fieldsFollow(int at) {
            return at < s.length() && (s.charAt(at) == ']' || s.substring(at).matches("(?s)[a-z][A-Za-z0-9]*=.*"));
        }

        private Map<String, Object> fields(char close) {
            Map<String, Object> fields = new LinkedHashMap<>();
            while (i < s.length() && s.charAt(i) != close) {
                int eq = s.indexOf('=', i);
                String key = s.substring(i, eq);
                i = eq + 1;
                fields.put(key, value());
                skip(", ");
            }
            i++;
            return fields;
        }

        private void skip(String sep) {
            if (s.startsWith(sep, i)) {
                i += sep.length();
            }
        }
    }

    /** Words for a parsed value. */
    static String render(Object v) {
        if (v instanceof Rec r) {
            return record(r);
        }
        if (v instanceof List<?> items) {
            if (items.isEmpty()) {
                return "none";
            }
            if (items.stream().allMatch(x -> x instanceof List<?>)) {
                return items.stream().map(Words::render).collect(Collectors.joining(" | "));
            }
            return items.stream().map(Words::render).collect(Collectors.joining(", "));
        }
        return String.valueOf(v);
    }

    private static String record(Rec r) {
        return switch (r.name()) {
            case "MessageRule" -> messageRule(r);
            case "Messages" -> {
                List<?> rules = r.fields().get("rules") instanceof List<?> l ? l : List.of();
                yield rules.isEmpty()
                        ? "no message rules"
                        : "messages: " + rules.stream().map(Words::render).collect(Collectors.joining("; "));
            }
            case "Partition" -> "partition " + r.text("groups");
            case "Heal" -> "heal every partition";
            case "Kill" -> "kill " + r.text("node");
            case "Restart" -> "restart " + r.text("node");
            case "Gap" -> {
                Object missing = r.fields().get("missing");
                int n = missing instanceof List<?> l ? l.size() : 1;
                yield r.text("node") + " (incarnation " + r.text("incarnation") + ") event" + (n == 1 ? " " : "s ")
                        + r.text("missing");
            }
            default -> {
                String fields = r.fields().entrySet().stream()
                        .map(e -> e.getKey() + " " + render(e.getValue()))
                        .collect(Collectors.joining(", "));
                String name = r.name().isEmpty()
                        ? ""
                        : r.name().replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
                yield name.isEmpty() ? fields : fields.isEmpty() ? name : name + " (" + fields + ")";
            }
        };
    }

    /** {@code delay the next 1 message from kvm-node to conductor by 2500 ms}, {@code drop 2% of the messages}. */
    private static String messageRule(Rec r) {
        return message(
                r.text("action").toLowerCase(Locale.ROOT),
                r.text("from"),
                r.text("to"),
                r.text("kind"),
                parseInt(r.text("count")),
                parseDouble(r.text("probability")),
                parseLong(r.text("delayMs")));
    }

    /**
     * A message fault in words, as the conductor now records one ({@code MessageRule.describe}); empty selectors match
     * every node, {@code count} 0 every message.
     */
    static String message(String action, String from, String to, String kind, int count, double p, long ms) {
        StringBuilder b = new StringBuilder(action).append(' ');
        if (count > 0) {
            b.append("the next ").append(count).append(count == 1 ? " message" : " messages");
        } else {
            b.append(p < 1 ? percent(p) + " of the messages" : "every message");
        }
        if (!kind.isEmpty()) {
            b.append(" of kind ").append(kind);
        }
        if (!from.isEmpty()) {
            b.append(" from ").append(from);
        }
        if (!to.isEmpty()) {
            b.append(" to ").append(to);
        }
        if (count > 0 && p < 1) {
            b.append(", each with chance ").append(percent(p));
        }
        if (action.equals("delay")) {
            b.append(" by ").append(ms).append(" ms");
        }
        return b.toString();
    }

    /** {@code 0.02} as {@code 2%}, {@code 0.005} as {@code 0.5%}. */
    static String percent(double p) {
        return new BigDecimal(p * 100, new MathContext(6)).stripTrailingZeros().toPlainString() + "%";
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseDouble(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
