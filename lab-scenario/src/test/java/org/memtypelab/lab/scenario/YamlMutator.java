package org.memtypelab.lab.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of YAML texts for fuzzing: lines deleted, duplicated or swapped, numbers set to extremes, keys
 * swapped or replaced, values replaced by words of the same files, odd characters inserted, the text truncated,
 * nested deeply, alias bombs, long strings; and byte flips of the UTF-8 encoding.
 */
public final class YamlMutator {

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.-])(?:0x[0-9a-fA-F]+|\\d[\\w.]*)");
    private static final Pattern KEY = Pattern.compile("(?<=^|[\\s{,])([a-z][a-z0-9-]*)(?=:)", Pattern.MULTILINE);
    private static final Pattern WORD = Pattern.compile("(?<=[:\\[,]\\s)([A-Za-z0-9\"][\\w.+\"#-]*)");
    private static final String[] EXTREMES = {
        "0",
        "-1",
        "1",
        "255",
        "256",
        "4096",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "99999999999999999999999",
        "1000000000000",
        "0x10000000000000",
        "0xfffffffffffff000",
        "0xffffffffffffffff",
        "99999TiB",
        "99999999999999999999TiB",
        "4096TiB",
        "0B",
        "1e999",
        ".nan",
        ".inf",
        "-0",
        "0x",
        "0b101",
        "0o17",
        "1_000",
        "4503599627370496",
        "4503599627370495",
        "2MiB",
        "1TiB",
        "~",
        "''",
        "null",
        "true",
        "on",
        "[]",
        "{}"
    };
    private static final String[] ODD = {
        "\u0000",
        "\u0001",
        "\t",
        "\u007f",
        "\u0085",
        "\u00a0",
        "\u2028",
        "\ufeff",
        "\ud800",
        "\udc00",
        "\ud83d\ude00",
        "\r",
        "\r\n",
        "'",
        "\"",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "!!str ",
        "!x ",
        "%YAML 1.1\n",
        "#",
        "- ",
        ": ",
        "? ",
        "|",
        ">",
        "---\n",
        "...\n",
        "\\",
        "@",
        "`",
        ",",
        "\u00e9",
        "\u202e",
        "\uffff",
        "\ufffe"
    };

    private final SplittableRandom random;
    private final List<String> keys;
    private final List<String> words;

    public YamlMutator(SplittableRandom random, List<String> corpus) {
        this.random = random;
        List<String> k = new ArrayList<>();
        List<String> w = new ArrayList<>();
        for (String text : corpus) {
            Matcher km = KEY.matcher(text);
            while (km.find()) {
                k.add(km.group(1));
            }
            Matcher wm = WORD.matcher(text);
            while (wm.find()) {
                w.add(wm.group(1));
            }
        }
        this.keys = List.copyOf(k);
        this.words = List.copyOf(w);
    }

    /** One to three mutations of {@code text}. */
    public String mutate(String text) {
        String t = text;
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            t = once(t);
        }
        return t;
    }

    /** {@code text}'s UTF-8 bytes with one to four bytes changed, inserted or deleted. */
    public byte[] mutateBytes(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n && b.length > 0; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(3)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = splice(b, at, 0, new byte[] {(byte) (0x80 + random.nextInt(0x80))});
                default -> b = splice(b, at, 1, new byte[0]);
            }
        }
        return b;
    }

    private String once(String t) {
        List<String> lines = new ArrayList<>(List.of(t.split("\n", -1)));
        return switch (random.nextInt(14)) {
            case 0 -> {
                lines.remove(random.nextInt(lines.size()));
                yield String.join("\n", lines);
            }
            case 1 -> {
                int i = random.nextInt(lines.size());
                lines.add(i, lines.get(i));
                yield String.join("\n", lines);
            }
            case 2 -> {
                int i = random.nextInt(lines.size());
                int j = random.nextInt(lines.size());
                String l = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, l);
                yield String.join("\n", lines);
            }
            case 3, 4 -> replaceOne(t, NUMBER, EXTREMES[random.nextInt(EXTREMES.length)]);
            case 5 -> replaceOne(t, KEY, pick(keys));
            case 6, 7 -> replaceOne(t, WORD, pick(words));
            case 8 -> insert(t, ODD[random.nextInt(ODD.length)]);
            case 9 -> t.substring(0, random.nextInt(t.length() + 1));
            case 10 -> nest(t);
            case 11 -> aliases(t);
            case 12 -> replaceOne(t, WORD, longString());
            default -> {
                int i = random.nextInt(lines.size());
                lines.set(i, " ".repeat(random.nextInt(4)) + lines.get(i));
                yield String.join("\n", lines);
            }
        };
    }

    private String nest(String t) {
        int depth = random.nextInt(8) == 0 ? 2_000 + random.nextInt(20_000) : 25 + random.nextInt(15);
        boolean flow = random.nextBoolean();
        String value;
        if (flow) {
            value = "[".repeat(depth) + (random.nextBoolean() ? "]".repeat(depth) : "");
        } else {
            StringBuilder b = new StringBuilder("\n");
            for (int i = 1; i <= Math.min(depth, 200); i++) {
                b.append(" ".repeat(i)).append("k").append(i).append(":\n");
            }
            value = b.toString();
        }
        return replaceOne(t, WORD, value);
    }

    private String aliases(String t) {
        String bomb = switch (random.nextInt(4)) {
            case 0 ->
                "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
            case 1 -> "x: &x {<<: *x}\n";
            case 2 -> "p: &p\n  kvm: \"6.16\"\nplatform: *p\n";
            default -> "*a: 1\n";
        };
        return random.nextBoolean() ? bomb + t : t + "\n" + bomb;
    }

    private String longString() {
        int n = random.nextInt(20) == 0 ? 200_000 + random.nextInt(100_000) : 100 + random.nextInt(5_000);
        return "x".repeat(n);
    }

    private String insert(String t, String s) {
        int at = random.nextInt(t.length() + 1);
        return t.substring(0, at) + s + t.substring(at);
    }

    private String replaceOne(String t, Pattern p, String with) {
        Matcher m = p.matcher(t);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return insert(t, with);
        }
        int[] s = spans.get(random.nextInt(spans.size()));
        return t.substring(0, s[0]) + with + t.substring(s[1]);
    }

    private String pick(List<String> from) {
        return from.isEmpty() ? "x" : from.get(random.nextInt(from.size()));
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] add) {
        byte[] out = new byte[b.length - remove + add.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(add, 0, out, at, add.length);
        System.arraycopy(b, at + remove, out, at + add.length, b.length - at - remove);
        return out;
    }
}
