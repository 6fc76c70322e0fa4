package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memtypelab.documents.CampaignSummary;

/** The matrix as grids: first key down, second across, one grid per value of the keys after them. */
class CampaignGridTest {

    private static CampaignSummary.CellEntry cell(int i, String a, String b, String c, String status) {
        Map<String, Object> values = c == null ? Map.of("a", a, "b", b) : Map.of("a", a, "b", b, "c", c);
        return new CampaignSummary.PlayedCell(
                i + "-" + a + b + (c == null ? "" : c),
                i,
                ordered(values),
                status,
                "runs/" + i,
                null,
                2,
                Map.of("consistent", status.equals("passed") ? 2 : 0, "hazard", 0),
                Map.of(),
                0,
                0,
                status.equals("partial") ? 2 : 0,
                0,
                0,
                1,
                1,
                List.of());
    }

    private static Map<String, Object> ordered(Map<String, Object> values) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String k : List.of("a", "b", "c")) {
            if (values.containsKey(k)) {
                m.put(k, values.get(k));
            }
        }
        return m;
    }

    private static String render(List<CampaignSummary.CellEntry> cells) {
        Html h = new Html().head("t");
        CampaignGrid.render(h, cells);
        return h.finish();
    }

    @Test
    void aThirdKeyMakesOneGridPerValue() {
        String html = render(List.of(
                cell(1, "x", "1", "p", "passed"),
                cell(2, "x", "2", "p", "passed"),
                cell(3, "y", "1", "q", "failed"),
                cell(4, "y", "2", "q", "partial")));

        assertThat(html.split("<table class=\"grid\"", -1)).hasSize(3);
        assertThat(html).contains("<h3 class=\"facet-title\">c = p</h3>", "<h3 class=\"facet-title\">c = q</h3>");
        assertThat(html.split("<td class=\"grid-cell ", -1)).hasSize(5);
    }

    @Test
    void aSquareIsColouredByResult() {
        assertThat(CampaignGrid.result(cell(1, "x", "1", null, "passed"))).isEqualTo("consistent");
        assertThat(CampaignGrid.result(cell(1, "x", "1", null, "failed"))).isEqualTo("failed");
        assertThat(CampaignGrid.result(cell(1, "x", "1", null, "partial"))).isEqualTo("incomplete");
        assertThat(CampaignGrid.result(new CampaignSummary.SkippedCell("1-x", 1, Map.of("a", "x"), "no")))
                .isEqualTo("skipped");
    }

    @Test
    void runTimeBinsAreRoundNumbersOfMilliseconds() {
        assertThat(RunTimes.binWidth(10_214)).isEqualTo(1000);
        assertThat(RunTimes.binWidth(6_200)).isEqualTo(500);
        assertThat(RunTimes.binWidth(19)).isEqualTo(1);
        assertThat(RunTimes.percentile(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90))
                .isEqualTo(9);
    }
}
