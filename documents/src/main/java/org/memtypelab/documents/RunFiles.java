package org.memtypelab.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.memtypelab.protocol.wire.CoreTypes;

/** A run directory: result.json, the nodes' traces, and the merged history.jsonl (DESIGN.md "Traces and history"). */
public final class RunFiles {

    static final ObjectMapper JSON = CoreTypes.json().enable(SerializationFeature.INDENT_OUTPUT);

    private RunFiles() {}

    public static void writeResult(Path dir, Map<String, Object> result) {
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("result.json").toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("result.json"), e);
        }
    }

    /** Merges every {@code trace-*.jsonl} into {@code history.jsonl}: by Lamport clock, ties by node, then line. */
    public static int mergeHistory(Path dir) {
        List<JsonNode> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("trace-.*\\.jsonl"))
                    .toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        lines.add(JSON.readTree(line));
                    }
                }
            }
            lines.sort(Comparator.<JsonNode>comparingLong(n -> n.path("lamport").asLong())
                    .thenComparing(n -> n.path("node").asText())
                    .thenComparingLong(n -> n.path("incarnation").asLong())
                    .thenComparingLong(n -> n.path("line").asLong()));
            ObjectMapper compact = CoreTypes.json();
            List<String> out = new ArrayList<>();
            for (JsonNode n : lines) {
                out.add(compact.writeValueAsString(n));
            }
            Files.write(dir.resolve("history.jsonl"), out, StandardCharsets.UTF_8);
            return out.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge the traces in " + dir, e);
        }
    }
}
