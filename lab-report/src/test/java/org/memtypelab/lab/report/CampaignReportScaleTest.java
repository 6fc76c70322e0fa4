package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.lab.report.RunDirFixture.WITNESS;
import static org.memtypelab.lab.report.RunDirFixture.read;
import static org.memtypelab.lab.report.RunDirFixture.result;
import static org.memtypelab.lab.report.RunDirFixture.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A campaign of 1,000 runs gets its matrix, linking every run, and every run page (speed is the benchmark's job). */
class CampaignReportScaleTest {

    @Test
    void thousandRunsGetTheMatrixAndEveryRunPage(@TempDir Path dir) throws IOException {
        String about = "\"campaign\" : { \"name\" : \"big\", \"cell\" : \"c\", \"run\" : 1, \"fault_plan\" : [ ] },";
        String doc = result("kernel/6-11-self-snoop", "hazard", WITNESS, true, about);
        StringBuilder cells = new StringBuilder();
        for (int c = 1; c <= 10; c++) {
            String id = String.format("%02d-cell", c);
            cells.append(c == 1 ? "" : ",")
                    .append(
                            "{\"cell\":\"%s\",\"index\":%d,\"values\":{\"platform.kvm\":\"6.%d\"},\"status\":\"passed\","
                                    .formatted(id, c, c))
                    .append("\"dir\":\"runs/%s\",\"verdicts\":{\"hazard\":100},\"failures\":[]}".formatted(id));
            for (int r = 1; r <= 100; r++) {
                Path run = dir.resolve("runs/" + id + String.format("/r%03d", r));
                write(run.resolve("result.json"), doc);
                write(run.resolve("history.jsonl"), RunDirFixture.HISTORY);
            }
        }
        write(dir.resolve("campaign.json"), "{\"campaign\":\"big\",\"cells\":[" + cells + "]}");

        HtmlReport.Outcome outcome = HtmlReport.write(dir);

        assertThat(outcome).isEqualTo(new HtmlReport.Written(dir.resolve("report.html"), 1000));
        assertThat(dir.resolve("runs/10-cell/r100/report.html")).exists();
        try (Stream<Path> files = Files.walk(dir.resolve("runs"))) {
            assertThat(files.filter(f -> f.endsWith("report.html"))).hasSize(1000);
        }
        assertThat(read(dir.resolve("report.html"))).contains("href=\"runs/07-cell/r042/report.html\"");
    }
}
