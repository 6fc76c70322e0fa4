package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
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
 * Hold up under load (the "busy machine" issue): several CLI runs, each its own JVM with its own embedded cluster,
 * and a small faulty campaign, all started at the same time on whatever cores the machine has (2 in CI),
 * at time factor 1. Every fault-free run completes with the verdict it has alone (its {@code expect}), the faulty
 * one never says consistent where the oracle has a hazard, and the campaign misses nothing and invents nothing.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
class LoadIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fault-free scenarios and the verdict each has when it runs alone (their expect says so too). */
    private static final Map<String, String> FAULT_FREE = Map.of(
            "thread/option-0-status-quo", "hazard",
            "kernel/6-11-rc-self-snoop", "consistent");

    private static final String CAMPAIGN = """
            name: load
            base: thread/option-0-status-quo
            seed: 5
            matrix:
              platform.kvm: ["5.6", "6.16"]
              platform.self-snoop: [true, false]
            faults: {random: {messages: 0.05, kills: 0.3}, runs-per-cell: 2}
            """;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void concurrentRunsAndACampaignOnABusyMachineAllComplete() throws Exception {
        Map<String, Process> runs = new LinkedHashMap<>();
        for (String scenario : FAULT_FREE.keySet()) {
            runs.put(scenario, start(dir.resolve(scenario.replace('/', '_')), "run", scenario));
        }
        Path faulty = dir.resolve("late-reply");
        Process late = start(faulty, "run", "faults/late-reply");
        Path spec = Files.writeString(dir.resolve("load.yaml"), CAMPAIGN);
        Path campaign = dir.resolve("campaign");
        Process camp = start(campaign, "campaign", spec.toString(), "--parallel", "1");

        List<String> incomplete = new ArrayList<>();
        for (Map.Entry<String, Process> r : runs.entrySet()) {
            Path out = dir.resolve(r.getKey().replace('/', '_'));
            int code = r.getValue().waitFor();
            JsonNode result = JSON.readTree(out.resolve("result.json").toFile());
            if (code == 3) {
                incomplete.add(r.getKey() + ": " + result.path("incomplete").asText());
                continue;
            }
            assertThat(code)
                    .as("%s exit code; stderr:%n%s", r.getKey(), stderr(out))
                    .isZero();
            assertThat(result.path("verdict").asText()).as(r.getKey()).isEqualTo(FAULT_FREE.get(r.getKey()));
        }
        assertThat(incomplete)
                .as("fault-free runs that did not complete under load")
                .isEmpty();

        int lateCode = late.waitFor();
        JsonNode lateResult = JSON.readTree(faulty.resolve("result.json").toFile());
        assertThat(lateCode)
                .as("faults/late-reply; stderr:%n%s", stderr(faulty))
                .isIn(0, 3);
        assertThat(lateResult.path("verdict").asText()).isNotEqualTo("consistent");

        int campCode = camp.waitFor();
        JsonNode doc = JSON.readTree(campaign.resolve("campaign.json").toFile());
        assertThat(campCode)
                .as("campaign exit code; stderr:%n%s", stderr(campaign))
                .isZero();
        assertThat(doc.path("totals").path("missed").asInt())
                .as("hazards the oracle has, missed")
                .isZero();
        assertThat(doc.path("totals").path("false").asInt())
                .as("hazards the oracle lacks")
                .isZero();
        assertThat(doc.path("runs_done").asInt())
                .isEqualTo(doc.path("runs_planned").asInt());
    }

    /** Starts the CLI in its own JVM with {@code --out out}; its stdout and stderr go to files beside it. */
    private static Process start(Path out, String... args) throws Exception {
        Files.createDirectories(out.getParent());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--out", out.toString()));
        File log = new File(out + ".stderr");
        return new ProcessBuilder(cmd)
                .redirectOutput(new File(out + ".stdout"))
                .redirectError(log)
                .start();
    }

    private static String stderr(Path out) throws Exception {
        Path log = Path.of(out + ".stderr");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
