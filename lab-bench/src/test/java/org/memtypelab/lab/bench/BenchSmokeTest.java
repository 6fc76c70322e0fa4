package org.memtypelab.lab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny bench end to end: every row it shows is measured (or skipped with its reason) and bench.json says so. */
class BenchSmokeTest {

    static final List<String> ROWS = List.of(
            "1-sim",
            "1-sim-ff",
            "1-sim-par",
            "2-embedded-cold",
            "3-processes-cold",
            "4-node-monitor",
            "5-monitor",
            "6-create",
            "6-lookup",
            "6-delete",
            "6-heap",
            "7-dirty",
            "7-sync",
            "7-clear",
            "7-heap");

    @Test
    void aTinyBenchMeasuresEveryRowAgainstItsBaselineAndWritesBenchJson(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        BenchReport report = new Bench(
                        BenchSettings.tiny(),
                        dir,
                        what -> System.err.printf(
                                "bench smoke: %s (%d ms)%n", what, (System.nanoTime() - start) / 1_000_000))
                .run();
        Path file = report.write(dir);

        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.get("machine").get("cores").asInt()).isPositive();
        assertThat(json.get("mode").asText()).isEqualTo("tiny");
        List<String> ids = new ArrayList<>();
        for (JsonNode row : json.get("rows")) {
            String id = row.get("id").asText();
            ids.add(id);
            if (id.startsWith("3-")) {
                // a JVM per node takes longer than this whole test; the full bench measures it
                assertThat(row.get("skipped").asBoolean()).as(id).isTrue();
                assertThat(row.get("note").asText()).as(id).startsWith("skipped: ");
                continue;
            }
            assertThat(row.get("skipped").asBoolean()).as(id).isFalse();
            assertThat(row.get("figure").asDouble()).as(id).isPositive();
            if (!id.equals("7-heap")) { // a bitmap of 1 M bits has no bare counterpart worth a row of its own
                assertThat(row.get("baselineFigure").asDouble()).as(id).isPositive();
            }
        }
        assertThat(ids).containsExactlyElementsOf(ROWS);
        assertThat(json.get("details").get("sim_profile").get("runs").asLong()).isPositive();
        assertThat(report.table())
                .contains("1-sim-par", "7-heap", report.machine().describe());
        assertThat(dir.resolve(ModelRows.LOG)).isNotEmptyFile();
    }
}
