package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.lab.cli.Main;

/**
 * With one JVM per node, {@code kill -9} of the GPU process's JVM mid-scenario and its restart as a new incarnation:
 * the hazard that existed before the crash is still reported, the monitor misses nothing the traces hold, every
 * incarnation's trace is contiguous, and no JVM outlives the run.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
class ProcessKillIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killingTheGpuProcessJvmMidScenarioStillReportsTheHazardAndKeepsTracesContiguous() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err))
                .execute("run", "faults/gpu-process-restart", "--nodes", "processes", "--out", dir.toString());

        assertThat(code).as("exit code; stderr:\n" + err).isZero();
        JsonNode result = JSON.readTree(dir.resolve("result.json").toFile());
        assertThat(result.path("verdict").asText()).isEqualTo("hazard");
        assertThat(result.path("hazards").toString()).contains("\"memtype-alias\"", "\"guest\"", "\"renderer\"");
        assertThat(result.path("faults").path("kill").asInt()).isEqualTo(1);
        assertThat(result.path("faults").path("restart").asInt()).isEqualTo(1);
        assertThat(result.path("nodes_lost")).isEmpty();
        assertThat(result.path("truth").path("missed")).isEmpty();
        assertThat(result.path("truth").path("false")).isEmpty();

        Map<Long, List<Long>> lines = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("trace-gpu-process-node.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode n = JSON.readTree(line);
            lines.computeIfAbsent(n.path("incarnation").asLong(), k -> new ArrayList<>())
                    .add(n.path("line").asLong());
        }
        assertThat(lines.keySet()).containsExactly(1L, 2L);
        lines.values().forEach(l -> assertThat(l).isEqualTo(countFrom1(l.size())));
        // the killed incarnation acted on the export before it died, and that is on disk
        assertThat(Files.readString(dir.resolve("trace-gpu-process-node.jsonl")))
                .contains("\"export b0\"");
        assertThat(ProcessHandle.current()
                        .descendants()
                        .filter(ProcessHandle::isAlive)
                        .toList())
                .as("JVMs left behind")
                .isEmpty();
    }

    private static List<Long> countFrom1(int n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }
}
