package org.memtypelab.core;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reading a {@link Labelled} enum constant from user input, and the labels to list when the input is wrong. */
public final class Labels {

    private Labels() {}

    /** The constant of {@code type} labelled {@code text}, ignoring case and surrounding blanks; empty for null. */
    public static <E extends Enum<E> & Labelled> Optional<E> parse(Class<E> type, String text) {
        String t = text == null ? "" : text.trim();
        return Arrays.stream(type.getEnumConstants())
                .filter(e -> e.label().equalsIgnoreCase(t))
                .findFirst();
    }

    /** The labels of {@code type} in declaration order, comma-separated, for "allowed: ..." messages. */
    public static <E extends Enum<E> & Labelled> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Labelled::label).collect(Collectors.joining(", "));
    }
}
