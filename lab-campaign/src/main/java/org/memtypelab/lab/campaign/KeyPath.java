package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scenario key path as a matrix names it: keys separated by dots, list items by 1-based index in brackets, the
 * same form the scenario loader uses in its messages ({@code platform.kvm}, {@code steps[3].map-blob.flags}).
 */
public record KeyPath(List<Segment> segments) {

    /** Accepted key path syntax, for messages. */
    public static final String SYNTAX = "keys separated by '.', list items as [N] from 1 (platform.kvm,"
            + " gpu-process.driver, steps[1].allocate.placement)";

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    public KeyPath {
        segments = List.copyOf(segments);
    }

    /** One step of a path: a mapping key, or a list item. */
    public sealed interface Segment permits Key, Item {}

    /** A mapping key. */
    public record Key(String name) implements Segment {}

    /** A list item, counted from 1. */
    public record Item(int number) implements Segment {}

    /** Parses {@code text}; empty when it is not a key path. */
    public static Optional<KeyPath> parse(String text) {
        List<Segment> out = new ArrayList<>();
        for (String part : text.strip().split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                return Optional.empty();
            }
            out.add(new Key(m.group(1)));
            Matcher i = INDEX.matcher(m.group(2));
            while (i.find()) {
                int n;
                try {
                    n = Integer.parseInt(i.group(1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (n < 1) {
                    return Optional.empty();
                }
                out.add(new Item(n));
            }
        }
        return Optional.of(new KeyPath(out));
    }

    /** The first key. */
    public String top() {
        return ((Key) segments.get(0)).name();
    }

    /** True when one path is a prefix of the other (setting both would overwrite one with the other). */
    public boolean overlaps(KeyPath other) {
        int n = Math.min(segments.size(), other.segments.size());
        return segments.subList(0, n).equals(other.segments.subList(0, n));
    }

    @Override
    public String toString() {
        return segments.stream()
                .map(s -> s instanceof Key k ? "." + k.name() : "[" + ((Item) s).number() + "]")
                .collect(Collectors.joining())
                .substring(1);
    }
}
