package org.memtypelab.lab.scenario;

import java.util.Comparator;
import java.util.List;

/** The names closest to what the user typed: for "did you mean" instead of a list of every name. */
public final class DidYouMean {

    private static final int MAX = 3;

    private DidYouMean() {}

    /**
     * Up to three of {@code names} the user may have meant by {@code typed}: names containing it (or its last path
     * part), then names within a few edits of it, closest first.
     */
    public static List<String> among(String typed, List<String> names) {
        String t = typed.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("\\.ya?ml$", "");
        String tail = t.substring(t.lastIndexOf('/') + 1);
        int near = Math.max(2, t.length() / 3);
        return names.stream()
                .filter(n -> (!tail.isEmpty() && n.contains(tail)) || distance(t, n) <= near)
                .sorted(Comparator.comparingInt((String n) -> n.contains(tail) && !tail.isEmpty() ? 0 : 1)
                        .thenComparingInt(n -> distance(t, n))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(MAX)
                .toList();
    }

    /** The sentence to add to a "not found" message: suggestions, or where the names are listed. */
    public static String hint(String typed, List<String> names, String listedBy) {
        List<String> close = among(typed, names);
        return close.isEmpty()
                ? "see " + listedBy + " for the names"
                : "did you mean " + String.join(" or ", close) + "? (" + listedBy + " lists them all)";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
