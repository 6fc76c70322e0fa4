package org.memtypelab.runtime.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.TraceLine;

/** Appends one JSON object per line to a node's trace file and flushes it before the caller acts on it. */
public final class TraceWriter implements AutoCloseable {

    private final BufferedWriter out;

    private TraceWriter(BufferedWriter out) {
        this.out = out;
    }

    /** Opens (appending) {@code dir/trace-<node>.jsonl}; a restarted node appends to the same file. */
    public static TraceWriter open(Path dir, String node) {
        try {
            Files.createDirectories(dir);
            return new TraceWriter(Files.newBufferedWriter(
                    dir.resolve("trace-" + node + ".jsonl"),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the trace of " + node + " in " + dir, e);
        }
    }

    /** Writes and flushes one line. */
    public void line(TraceLine line) {
        try {
            out.write(Documents.JSON.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a trace line", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
