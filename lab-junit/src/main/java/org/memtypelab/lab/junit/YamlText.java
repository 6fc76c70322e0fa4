package org.memtypelab.lab.junit;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Scenario values as YAML text, one flow value per line, for the scenario loader to read as if a user had written
 * it: strings double-quoted (so {@code 6.10} stays a string), integers and booleans plain (the loader wants a YAML
 * boolean for {@code self-snoop}), lists and maps in flow style.
 */
final class YamlText {

    /** An integer written in hex ({@code 0x100000000}), as a scenario file would give an address. */
    record Hex(long value) {}

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_#-]*");

    private YamlText() {}

    /** {@code value} as one YAML flow value. */
    static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Hex h) {
            return "0x" + Long.toHexString(h.value());
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(YamlText::value).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> key(String.valueOf(e.getKey())) + ": " + value(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return quoted(value.toString());
    }

    /** A mapping key: plain where it is a plain word ({@code set-memory-region#1}), else quoted. */
    static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() ? key : quoted(key);
    }

    /** A YAML double-quoted string (its escapes are JSON's). */
    static String quoted(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
