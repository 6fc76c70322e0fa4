package org.memtypelab.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.documents.Documents;
import org.memtypelab.lab.cli.Main;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.runtime.cluster.Tls;

/**
 * Mutual TLS with real JVMs: keys from {@code keygen}; a node with the CA's certificate joins, one whose certificate
 * another CA signed is refused, a plain-TCP node is refused, and a run's result is the same as over plain TCP.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
class TlsIT {

    /** Long enough for a JVM on a busy machine to start, handshake and join when it may. */
    private static final Duration JOIN = Duration.ofSeconds(45);

    @TempDir
    static Path tmp;

    static Path keys;
    static Path otherKeys;

    @BeforeAll
    static void keygen() {
        keys = tmp.resolve("keys");
        otherKeys = tmp.resolve("other-ca");
        for (Path dir : List.of(keys, otherKeys)) {
            StringWriter err = new StringWriter();
            int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                    .execute("keygen", dir.toString());
            assertThat(code).as(err.toString()).isZero();
        }
    }

    @AfterEach
    void plainAgain() {
        System.clearProperty(Tls.PROPERTY);
    }

    @Test
    void keygenRefusesToOverwriteKeys() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("keygen", keys.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("is not an empty directory; keys are never overwritten");
    }

    @Test
    void onlyANodeWithTheCasCertificateJoinsATlsCluster() throws Exception {
        System.setProperty(Tls.PROPERTY, keys.toString());
        try (ProcessCluster seed =
                ProcessCluster.builder().logDir(tmp.resolve("seed")).start(List.of(NodeRole.KVM))) {
            System.clearProperty(Tls.PROPERTY);

            Joiner plain = Joiner.start(NodeRole.QEMU, null, seed.seed(), tmp.resolve("plain.log"));
            Joiner foreign = Joiner.start(NodeRole.GPU_PROCESS, otherKeys, seed.seed(), tmp.resolve("foreign.log"));
            Joiner trusted = Joiner.start(NodeRole.MIGRATION, keys, seed.seed(), tmp.resolve("trusted.log"));
            try {
                assertThat(trusted.ready(JOIN))
                        .as("the node with the CA's certificate joins")
                        .isPresent();
                // the refused ones have had the same time and more: a handshake takes milliseconds
                assertThat(foreign.ready(Duration.ofSeconds(5)))
                        .as("another CA's node")
                        .isEmpty();
                assertThat(plain.ready(Duration.ofSeconds(5)))
                        .as("a plain-TCP node")
                        .isEmpty();
                assertThat(Files.readString(tmp.resolve("foreign.log")))
                        .contains("SSLHandshakeException", "certification path");
            } finally {
                plain.kill();
                foreign.kill();
                trusted.kill();
            }
        }
    }

    /** Embedded: every ActorSystem of the run speaks TLS to the others (the refusals above use real JVMs). */
    @Test
    void aRunOverTlsGivesTheResultItGivesOverPlainTcp() throws Exception {
        JsonNode plain = run(tmp.resolve("plain-run"));
        JsonNode tls = run(tmp.resolve("tls-run"), "--tls", keys.toString());

        for (String field : List.of("verdict", "hazards", "mappings", "migration", "steps")) {
            assertThat(tls.get(field)).as(field).isEqualTo(plain.get(field));
        }
        assertThat(tls.get("verdict").asText()).isEqualTo("hazard");
    }

    private static JsonNode run(Path dir, String... more) throws Exception {
        List<String> args =
                new ArrayList<>(List.of("run", "thread/option-0-status-quo", "--json", "--out", dir.toString()));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args.toArray(String[]::new));
        assertThat(code).as(err.toString()).isZero();
        return Documents.JSON.readTree(out.toString());
    }

    /** A node JVM started by hand, joining {@code seed}; READY on its stdout means it became a member. */
    private record Joiner(Process process, CompletableFuture<String> ready) {

        static Joiner start(NodeRole role, Path tls, String seed, Path log) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path")));
            if (tls != null) {
                cmd.add("-D" + Tls.PROPERTY + "=" + tls);
            }
            cmd.addAll(List.of("org.memtypelab.lab.run.NodeMain", role.label(), "--seed", seed, "--port", "0"));
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                    .start();
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        if (line.startsWith(NodeProcessMain.READY + " ")) {
                            return line;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            return new Joiner(p, ready);
        }

        Optional<String> ready(Duration within) throws Exception {
            try {
                return Optional.ofNullable(ready.get(within.toMillis(), TimeUnit.MILLISECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                return Optional.empty();
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
