package org.memtypelab.documents;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A run directory: result.json, the nodes' traces, and the merged history.jsonl (DESIGN.md "Traces and history"). */
public final class RunFiles {

    /** The order of history.jsonl: Lamport clock, ties by node, incarnation, then the line's number. */
    static final Comparator<TraceLine> CAUSAL = Comparator.comparingLong(TraceLine::lamport)
            .thenComparing(TraceLine::node)
            .thenComparingLong(TraceLine::incarnation)
            .thenComparingLong(TraceLine::line);

    private RunFiles() {}

    /** Writes {@code dir/result.json}. */
    public static void writeResult(Path dir, RunResult result) {
        try {
            Files.createDirectories(dir);
            Documents.PRETTY.writeValue(dir.resolve("result.json").toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("result.json"), e);
        }
    }

    /** Reads {@code dir/result.json}. */
    public static RunResult readResult(Path dir) {
        Path file = dir.resolve("result.json");
        try {
            return Documents.JSON.readValue(file.toFile(), RunResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every line of every {@code trace-*.jsonl} in {@code dir}, file by file (by name), in file order. */
    public static List<TraceLine> traces(Path dir) {
        List<TraceLine> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("trace-.*\\.jsonl"))
                    .sorted()
                    .toList()) {
                out.addAll(lines(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the traces in " + dir, e);
        }
        return out;
    }

    /** The lines of one trace or history file; a line cut short by a kill (not JSON) is skipped. */
    public static List<TraceLine> lines(Path file) {
        List<TraceLine> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    try {
                        out.add(Documents.JSON.readValue(line, TraceLine.class));
                    } catch (JsonProcessingException cut) {
                        // a node killed mid-write leaves a partial last line; what it acted on was flushed before
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    /** Merges every {@code trace-*.jsonl} into {@code history.jsonl}, in {@link #CAUSAL} order. */
    public static int mergeHistory(Path dir) {
        return writeHistory(dir, traces(dir));
    }

    /** Writes {@code traces} (the run's, as {@link #traces} read them) into {@code history.jsonl}, in causal order. */
    public static int writeHistory(Path dir, List<TraceLine> traces) {
        List<TraceLine> lines = new ArrayList<>(traces);
        lines.sort(CAUSAL);
        try {
            List<String> out = new ArrayList<>();
            for (TraceLine l : lines) {
                out.add(Documents.JSON.writeValueAsString(l));
            }
            Files.write(dir.resolve("history.jsonl"), out, StandardCharsets.UTF_8);
            return out.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history in " + dir, e);
        }
    }

    /** Deletes {@code root} and everything under it (a replay's or probe's temporary run, a half-played run). */
    public static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
