package org.memtypelab.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares two merged histories event by event, ignoring wall-clock times (DESIGN.md: same seed, same history) and
 * which incarnation numbers the nodes had: a warm campaign cluster may have restarted a node before the run, so the
 * run's first incarnation of each node counts as 1, its next as 2, and so on.
 */
public final class HistoryDiff {

    /** The first place two histories part: the 1-based line and both sides ({@code (none)} past an end). */
    public record Difference(int line, String expected, String actual) {}

    private HistoryDiff() {}

    /** Empty when identical apart from {@code wall}. */
    public static Optional<Difference> first(Path expected, Path actual) {
        List<JsonNode> a = read(expected);
        List<JsonNode> b = read(actual);
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            JsonNode x = i < a.size() ? a.get(i) : null;
            JsonNode y = i < b.size() ? b.get(i) : null;
            if (x == null || !x.equals(y)) {
                return Optional.of(new Difference(
                        i + 1, x == null ? "(none)" : x.toString(), y == null ? "(none)" : y.toString()));
            }
        }
        return Optional.empty();
    }

    private static List<JsonNode> read(Path file) {
        List<JsonNode> out = new ArrayList<>();
        Map<String, Map<Long, Integer>> incarnations = new HashMap<>();
        for (TraceLine line : RunFiles.lines(file)) {
            ObjectNode n = Documents.JSON.valueToTree(line);
            n.remove("wall");
            if (n.has("node") && n.has("incarnation")) {
                Map<Long, Integer> seen =
                        incarnations.computeIfAbsent(n.get("node").asText(), k -> new HashMap<>());
                int ordinal = seen.computeIfAbsent(n.get("incarnation").asLong(), k -> seen.size() + 1);
                n.put("incarnation", ordinal);
            }
            out.add(n);
        }
        return out;
    }
}
