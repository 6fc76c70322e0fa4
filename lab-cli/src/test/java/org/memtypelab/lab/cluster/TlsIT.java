package org.memtypelab.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

            NodeJvm plain = joiner(NodeRole.QEMU, null, seed.seed(), tmp.resolve("plain.log"));
            NodeJvm foreign = joiner(NodeRole.GPU_PROCESS, otherKeys, seed.seed(), tmp.resolve("foreign.log"));
            NodeJvm trusted = joiner(NodeRole.MIGRATION, keys, seed.seed(), tmp.resolve("trusted.log"));
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
        JsonNode plain =
                run(tmp.resolve("plain-run"), "--nodes", "sim"); // sim gives embedded's result (CatalogueRunTest)
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

    /** A node JVM with {@code tls} (null: plain TCP), joining {@code seed}. */
    private static NodeJvm joiner(NodeRole role, Path tls, String seed, Path log) throws Exception {
        List<String> jvm = tls == null ? List.of() : List.of("-D" + Tls.PROPERTY + "=" + tls);
        return NodeJvm.start(
                jvm, "org.memtypelab.lab.run.NodeMain", List.of(role.label(), "--seed", seed, "--port", "0"), log);
    }
}
