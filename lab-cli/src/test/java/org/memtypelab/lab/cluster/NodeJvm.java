package org.memtypelab.lab.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node JVM a test starts by hand (as a user would on another host), its stderr in {@code log}; a {@code READY} line
 * on its stdout means it became a cluster member.
 */
record NodeJvm(Process process, Path log, CompletableFuture<String> readyLine) {

    /** Starts {@code java [jvm] -cp <this classpath> mainClass args}. */
    static NodeJvm start(List<String> jvm, String mainClass, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith(NodeProcessMain.READY + " ")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        return new NodeJvm(p, log, ready);
    }

    /** Its READY line, if it came within {@code within} ({@link Duration#ZERO}: only if it came already). */
    Optional<String> ready(Duration within) throws Exception {
        if (within.isZero()) {
            return Optional.ofNullable(readyLine.getNow(null));
        }
        try {
            return Optional.ofNullable(readyLine.get(within.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        }
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
