package org.memtypelab.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.documents.Documents;
import org.memtypelab.lab.cli.Main;
import org.memtypelab.protocol.NodeRole;

/**
 * Several hosts, played on one machine: every node JVM on its own loopback address (127.0.0.2, 127.0.0.3, ...) started
 * with {@code memtype-lab node NODE --bind HOST:PORT --seed SEED}, exactly as the README tells users to on real hosts,
 * and a conductor that joins them with {@code run --join SEED}. A node of another memtype-lab version is refused.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
class MultiHostIT {

    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final List<NodeRole> NODES =
            List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MIGRATION, NodeRole.MONITOR);

    @TempDir
    static Path logs;

    static final List<Host> hosts = new ArrayList<>();
    static String seed;

    @BeforeAll
    static void startOneNodePerHost() throws Exception {
        int seedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            seedPort = s.getLocalPort();
        }
        seed = "127.0.0.2:" + seedPort;
        for (int i = 0; i < NODES.size(); i++) {
            String bind = "127.0.0." + (i + 2) + ":" + (i == 0 ? seedPort : 0);
            hosts.add(Host.start(NODES.get(i), List.of("--bind", bind, "--seed", seed), List.of(), logs));
        }
        for (Host h : hosts) {
            assertThat(h.ready(JOIN)).as(h.role() + " joined").isPresent();
        }
    }

    @AfterAll
    static void stopHosts() throws Exception {
        for (Host h : hosts) {
            h.kill();
        }
    }

    @Test
    void aConductorThatJoinsPlaysAScenarioOnNodesOfFiveHosts() throws Exception {
        // each node announced the address it listens on: its own loopback "host"
        for (int i = 0; i < hosts.size(); i++) {
            assertThat(hosts.get(i).ready(JOIN).orElseThrow()).contains(" 127.0.0." + (i + 2) + ":");
        }
        JsonNode joined = run("--join", seed, "--bind", "127.0.0.9:0");
        JsonNode embedded = run();

        assertThat(joined.get("nodes").asText()).isEqualTo("joined");
        for (String field : List.of("verdict", "hazards", "mappings", "migration", "steps")) {
            assertThat(joined.get(field)).as(field).isEqualTo(embedded.get(field));
        }
    }

    @Test
    void aNodeOfAnotherVersionIsRefusedAndBothVersionsAreNamed() throws Exception {
        Host other = Host.start(
                NodeRole.QEMU,
                List.of("--bind", "127.0.0.20:0", "--seed", seed),
                List.of("-Dmemtype-lab.version=9.9.9"),
                logs);
        try {
            // a compatible node joins in a few seconds; this one is turned away at the seed and stops
            assertThat(other.process().waitFor(JOIN.toSeconds(), TimeUnit.SECONDS))
                    .as("the refused node stops")
                    .isTrue();
            assertThat(other.ready(Duration.ZERO)).isEmpty();
            assertThat(Files.readString(hosts.get(0).log()))
                    .contains("a node of memtype-lab 9.9.9 cannot join this cluster of memtype-lab 0.1.0-SNAPSHOT");
        } finally {
            other.kill();
        }
    }

    @Test
    void aScenarioThatKillsNodesCannotBePlayedByAJoinedConductor() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute(
                        "run",
                        "faults/gpu-process-restart",
                        "--join",
                        seed,
                        "--out",
                        logs.resolve("x").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("kills, restarts or pauses nodes").doesNotContain("Exception");
        assertThat(logs.resolve("x")).doesNotExist();
    }

    private static JsonNode run(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "thread/option-0-status-quo",
                "--json",
                "--out",
                Files.createTempDirectory(logs, "run").toString()));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args.toArray(String[]::new));
        assertThat(code).as(err.toString()).isZero();
        return Documents.JSON.readTree(out.toString());
    }

    /** One "host": {@code memtype-lab node ROLE args}. */
    record Host(NodeRole role, NodeJvm jvm) {

        static Host start(NodeRole role, List<String> args, List<String> jvm, Path logs) throws Exception {
            List<String> all = new ArrayList<>(List.of("node", role.label()));
            all.addAll(args);
            return new Host(
                    role,
                    NodeJvm.start(jvm, Main.class.getName(), all, Files.createTempFile(logs, role.label(), ".log")));
        }

        Optional<String> ready(Duration within) throws Exception {
            return jvm.ready(within);
        }

        Path log() {
            return jvm.log();
        }

        Process process() {
            return jvm.process();
        }

        void kill() throws InterruptedException {
            jvm.kill();
        }
    }
}
