package org.memtypelab.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** campaign.json read and written by {@link CampaignSummary}: a cell's status picks its shape, the text survives. */
class CampaignSummaryTest {

    static final String CELLS = """
            [ {
              "cell" : "1-6.16",
              "index" : 1,
              "values" : { "platform.kvm" : "6.16", "platform.self-snoop" : true },
              "status" : "partial",
              "dir" : "runs/1-6.16",
              "oracle" : null,
              "runs" : 0,
              "verdicts" : { "consistent" : 0, "benign-alias" : 0, "unknown" : 0, "hazard" : 0 },
              "hazards" : { },
              "missed" : 0,
              "false" : 0,
              "exit3" : 0,
              "diverged" : 0,
              "truth_mismatches" : 0,
              "mean_ms" : 0.0,
              "p99_ms" : 0,
              "failures" : [ ]
            }, {
              "cell" : "2-5.6",
              "index" : 2,
              "values" : { "platform.kvm" : "5.6", "platform.self-snoop" : null },
              "status" : "skipped",
              "reason" : "kernel 5.6 has no quirk"
            } ]""";

    @Test
    void aCellsStatusPicksPlayedOrSkipped() throws Exception {
        List<CampaignSummary.CellEntry> cells =
                List.of(Documents.JSON.readValue(CELLS, CampaignSummary.CellEntry[].class));

        assertThat(cells.get(0)).isInstanceOf(CampaignSummary.PlayedCell.class);
        assertThat(((CampaignSummary.PlayedCell) cells.get(0)).oracle()).isNull();
        assertThat(cells.get(1))
                .isEqualTo(new CampaignSummary.SkippedCell(
                        "2-5.6",
                        2,
                        mapOf("platform.kvm", "5.6", "platform.self-snoop", null),
                        "kernel 5.6 has no quirk"));
    }

    @Test
    void aCellWithoutStatusOrWithANewOneReadsAsPlayedAndUnknownFieldsAreSkipped() throws Exception {
        String json = "[{\"cell\":\"1-a\",\"index\":1},{\"cell\":\"2-b\",\"status\":\"retried\",\"new_field\":[1]}]";

        CampaignSummary.CellEntry[] cells = Documents.JSON.readValue(json, CampaignSummary.CellEntry[].class);

        assertThat(cells).allMatch(c -> c instanceof CampaignSummary.PlayedCell);
        assertThat(cells[1].status()).isEqualTo("retried");
    }

    @Test
    void writingWhatWasReadGivesTheSameText(@TempDir Path dir) throws Exception {
        String text =
                Documents.PRETTY.writeValueAsString(Documents.JSON.readTree("{\"campaign\":\"c\",\"description\":null,"
                        + "\"spec\":\"s.yaml\",\"base\":\"b\",\"seed\":7,\"nodes\":\"embedded\",\"parallel\":2,"
                        + "\"faults\":{\"messages\":0.05,\"kills\":0.5,\"partitions\":0.0,\"runs_per_cell\":3},"
                        + "\"complete\":false,\"interrupted\":true,\"runs_planned\":8,\"runs_done\":0,\"wall_ms\":12,"
                        + "\"clusters\":{\"formed\":1,\"restarts\":0,\"probes\":0,\"errors\":[\"x\"]},"
                        + "\"totals\":{\"cells\":2,\"cells_run\":1,\"cells_skipped\":1,\"runs\":0,"
                        + "\"verdicts\":{\"consistent\":0,\"benign-alias\":0,\"unknown\":0,\"hazard\":0},\"missed\":0,"
                        + "\"false\":0,\"exit3\":0,\"diverged\":0,\"truth_mismatches\":0,\"cells_failed\":0},"
                        + "\"cells\":" + CELLS + ",\"exit_code\":0}"));
        Files.writeString(dir.resolve(CampaignFiles.FILE), text);

        CampaignSummary read = CampaignFiles.read(dir);
        CampaignFiles.write(dir, read);

        assertThat(dir.resolve(CampaignFiles.FILE)).hasContent(text);
        assertThat(read.cells()).hasSize(2);
    }

    private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
