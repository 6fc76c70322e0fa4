package org.memtypelab.runtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.memtypelab.documents.Documents;

/** Reading a node's trace file ({@code trace-<node>.jsonl}) back in tests. */
public final class TraceFiles {

    private TraceFiles() {}

    /** The lines of {@code node}'s trace in {@code dir}, parsed. */
    public static List<JsonNode> read(Path dir, String node) {
        try {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("trace-" + node + ".jsonl"))) {
                lines.add(Documents.JSON.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code kind} of every line, in order. */
    public static List<String> kinds(List<JsonNode> trace) {
        return trace.stream().map(l -> l.get("kind").asText()).toList();
    }

    /** The lines of one kind. */
    public static List<JsonNode> ofKind(List<JsonNode> trace, String kind) {
        return trace.stream().filter(l -> l.get("kind").asText().equals(kind)).toList();
    }

    /** The detail of every {@code decide} line, in order. */
    public static List<String> decisions(List<JsonNode> trace) {
        return ofKind(trace, "decide").stream()
                .map(l -> l.get("detail").asText())
                .toList();
    }

    /** A trace directory that cannot be created, because its parent is a file: opening a trace there fails. */
    public static String unwritableDir(Path dir) {
        try {
            return Files.createFile(dir.resolve("not-a-dir")).resolve("traces").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
