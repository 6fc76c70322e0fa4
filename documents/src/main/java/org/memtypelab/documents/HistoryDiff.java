package org.memtypelab.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Compares two merged histories event by event, ignoring wall-clock times (DESIGN.md: same seed, same history). */
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
        for (TraceLine line : RunFiles.lines(file)) {
            ObjectNode n = Documents.JSON.valueToTree(line);
            n.remove("wall");
            out.add(n);
        }
        return out;
    }
}
