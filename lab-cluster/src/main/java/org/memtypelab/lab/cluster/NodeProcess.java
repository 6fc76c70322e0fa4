package org.memtypelab.lab.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.memtypelab.protocol.NodeRole;

/** One child JVM of a {@link ProcessCluster}: its process, the lines it printed on stdout and its stderr log. */
public final class NodeProcess {

    /** The line a listener gets after the process ended: {@code EXITED <exit code>}. */
    public static final String EXITED = "EXITED";

    private final NodeRole role;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final java.util.function.BiConsumer<NodeRole, String> listener;
    private boolean ended;

    NodeProcess(NodeRole role, Process process, Path log) {
        this(role, process, log, (r, l) -> {});
    }

    /** {@code listener} gets every stdout line as it comes, then {@code EXITED <code>} once the process ended. */
    NodeProcess(NodeRole role, Process process, Path log, java.util.function.BiConsumer<NodeRole, String> listener) {
        this.role = role;
        this.process = process;
        this.log = log;
        this.listener = listener;
        Thread reader = new Thread(this::readStdout, "stdout-" + role.label() + "-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** The node this process runs. */
    public NodeRole role() {
        return role;
    }

    /** The OS process. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The file receiving the process's stderr (its logs). */
    public Path log() {
        return log;
    }

    /** Whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line printed on stdout so far. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * Waits for the first stdout line matching {@code wanted}.
     *
     * @return the line, or empty if it did not come within {@code timeout} or stdout ended first (the process died)
     */
    public synchronized Optional<String> awaitLine(Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < lines.size(); checked++) {
                if (wanted.test(lines.get(checked))) {
                    return Optional.of(lines.get(checked));
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return Optional.empty();
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** SIGKILL, then wait (bounded) until the process is gone; true if it is. */
    boolean killAndWait(Duration timeout) {
        handle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return waitFor(timeout);
    }

    /** Waits (bounded) until the process has exited; true if it has. */
    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** How the process ended, plus the tail of its log, for error messages. */
    String describeFailure() {
        String state = process.isAlive() ? "still running" : "exited with code " + process.exitValue();
        List<String> tail = List.of();
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            tail = all.subList(Math.max(0, all.size() - 10), all.size());
        } catch (IOException | RuntimeException e) {
            // the log is a diagnostic aid only
        }
        return role + " (pid " + process.pid() + ") " + state + ", log " + log
                + (tail.isEmpty() ? "" : ":\n    " + String.join("\n    ", tail));
    }

    private void readStdout() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
                listener.accept(role, line);
            }
        } catch (IOException e) {
            // stream closed because the process died; treated as end of output
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
        try {
            listener.accept(role, EXITED + " " + process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
