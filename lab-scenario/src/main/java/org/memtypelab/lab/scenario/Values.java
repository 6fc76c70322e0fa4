package org.memtypelab.lab.scenario;

import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.ScalarType;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/** Converters from YAML nodes to typed values; each failure names the key path and what is allowed. */
public final class Values {

    private static final Pattern SIZE =
            Pattern.compile("(\\d[\\d_]*)\\s*(B|KiB|MiB|GiB|TiB)", Pattern.CASE_INSENSITIVE);
    private static final List<String> SIZE_UNITS = List.of("B", "KiB", "MiB", "GiB", "TiB");

    private Values() {}

    /** A scalar written as text (numbers are taken as written); no mapping, list or null. */
    public static String string(Node node, String path) {
        if (node instanceof Scalar s && s.type() != ScalarType.NULL) {
            return s.text();
        }
        throw new Problem(node.loc(), path + ": expected a string, found " + describe(node));
    }

    /** An integer in {@code [min, max]}, written in decimal or {@code 0x} hex (quoted or not). */
    public static long integer(Node node, String path, long min, long max) {
        OptionalLong v = node instanceof Scalar s && isNumberLike(s) ? parseInteger(s.text()) : OptionalLong.empty();
        if (v.isEmpty()) {
            throw new Problem(node.loc(), path + ": expected an integer, found " + describe(node));
        }
        return inRange(node, path, v.getAsLong(), min, max);
    }

    /** A byte count: an integer or a string such as {@code 2MiB}, {@code 4KiB}, {@code 1GiB}, in {@code [min, max]}. */
    public static long size(Node node, String path, long min, long max) {
        if (node instanceof Scalar s && isNumberLike(s)) {
            OptionalLong plain = parseInteger(s.text());
            if (plain.isPresent()) {
                return inRange(node, path, plain.getAsLong(), min, max);
            }
            Matcher m = SIZE.matcher(s.text().trim());
            if (m.matches()) {
                int shift = 10 * indexOfUnit(m.group(2));
                OptionalLong n = parseInteger(m.group(1));
                if (n.isEmpty() || n.getAsLong() > (max >> shift)) {
                    throw new Problem(
                            node.loc(), path + ": size '" + s.text() + "' is too large; allowed: " + range(min, max));
                }
                return inRange(node, path, n.getAsLong() << shift, min, max);
            }
        }
        throw new Problem(
                node.loc(),
                path + ": expected a size (bytes as an integer, or with a unit: 4KiB, 2MiB, 1GiB; units: "
                        + String.join(", ", SIZE_UNITS) + "), found " + describe(node));
    }

    /** {@code true} or {@code false} (YAML's {@code on}/{@code off}, {@code yes}/{@code no} parse as booleans). */
    public static boolean bool(Node node, String path) {
        if (node instanceof Scalar s && s.type() == ScalarType.BOOLEAN) {
            return isTrue(s.text());
        }
        throw new Problem(
                node.loc(), path + ": expected a boolean, found " + describe(node) + "; allowed: true, false");
    }

    /** {@code on} or {@code off}, also {@code true}/{@code false}, quoted or not. */
    public static boolean onOff(Node node, String path) {
        if (node instanceof Scalar s && s.type() == ScalarType.BOOLEAN) {
            return isTrue(s.text());
        }
        if (node instanceof Scalar s && s.type() == ScalarType.STRING) {
            switch (s.text().trim().toLowerCase(Locale.ROOT)) {
                case "on", "true":
                    return true;
                case "off", "false":
                    return false;
                default:
                    break;
            }
        }
        throw new Problem(node.loc(), path + ": expected on or off, found " + describe(node) + "; allowed: on, off");
    }

    /** One of a closed set of values, matched case-insensitively against their labels. */
    public static <T> T choice(Node node, String path, List<T> values, Function<T, String> label) {
        String allowed = values.stream().map(label).collect(Collectors.joining(", "));
        if (node instanceof Scalar s && s.type() != ScalarType.NULL) {
            String text = s.text().trim();
            for (T v : values) {
                if (label.apply(v).equalsIgnoreCase(text)) {
                    return v;
                }
            }
            throw new Problem(node.loc(), path + ": '" + s.text() + "' is not allowed; allowed: " + allowed);
        }
        throw new Problem(node.loc(), path + ": expected one of " + allowed + ", found " + describe(node));
    }

    /** A memory type valid in the given role, e.g. a PAT type for a guest mapping (DOMAIN 1.1). */
    public static MemType memType(Node node, String path, List<MemType> allowed, String role) {
        String text = string(node, path);
        MemType t = MemType.parse(text)
                .orElseThrow(() -> new Problem(
                        node.loc(),
                        path + ": '" + text + "' is not a memory type; allowed: " + MemType.labels(allowed)));
        if (!allowed.contains(t)) {
            throw new Problem(
                    node.loc(), path + ": " + t + " is not valid as " + role + "; allowed: " + MemType.labels(allowed));
        }
        return t;
    }

    /** Parses decimal or {@code 0x} hex, with optional {@code _} separators; empty when not an integer. */
    public static OptionalLong parseInteger(String text) {
        String t = text.trim().replace("_", "");
        try {
            if (t.matches("-?0[xX][0-9a-fA-F]+")) {
                boolean neg = t.startsWith("-");
                long v = Long.parseLong(t.substring(neg ? 3 : 2), 16);
                return OptionalLong.of(neg ? -v : v);
            }
            if (t.matches("[-+]?\\d+")) {
                return OptionalLong.of(Long.parseLong(t));
            }
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // out of range of a long
        }
        return OptionalLong.empty();
    }

    /** "'lots'", "a mapping", "a list", "nothing" for messages. */
    public static String describe(Node node) {
        if (node instanceof MapNode) {
            return "a mapping";
        }
        if (node instanceof SeqNode) {
            return "a list";
        }
        Scalar s = (Scalar) node;
        return switch (s.type()) {
            case NULL -> "nothing";
            case BOOLEAN -> s.text();
            default -> "'" + s.text() + "'";
        };
    }

    private static boolean isNumberLike(Scalar s) {
        return s.type() == ScalarType.INTEGER || s.type() == ScalarType.STRING;
    }

    private static boolean isTrue(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "y" -> true;
            default -> false;
        };
    }

    private static int indexOfUnit(String unit) {
        for (int i = 0; i < SIZE_UNITS.size(); i++) {
            if (SIZE_UNITS.get(i).equalsIgnoreCase(unit)) {
                return i;
            }
        }
        throw new IllegalStateException(unit);
    }

    private static long inRange(Node node, String path, long v, long min, long max) {
        if (v < min || v > max) {
            throw new Problem(node.loc(), path + ": " + v + " is out of range; allowed: " + range(min, max));
        }
        return v;
    }

    private static String range(long min, long max) {
        return max == Long.MAX_VALUE ? "at least " + min : "in " + min + ".." + max;
    }
}
