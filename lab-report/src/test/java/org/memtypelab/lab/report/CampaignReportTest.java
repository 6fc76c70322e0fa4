package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.lab.report.RunDirFixture.WITNESS;
import static org.memtypelab.lab.report.RunDirFixture.read;
import static org.memtypelab.lab.report.RunDirFixture.result;
import static org.memtypelab.lab.report.RunDirFixture.run;
import static org.memtypelab.lab.report.RunDirFixture.write;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.documents.Documents;

/** The campaign page: a matrix of cells coloured by verdict, linking every run's own report. */
class CampaignReportTest {

    /** campaign.json as CampaignDocument writes it: a hazard cell with a failure, a consistent cell, a skipped one. */
    static final String CAMPAIGN = """
            {
              "campaign" : "quirk-vs-drivers", "description" : "", "spec" : "q.yaml",
              "base" : "thread/option-2-honor-guest-pat", "seed" : 1, "nodes" : "embedded", "parallel" : 2,
              "faults" : { "messages" : 0.05, "kills" : 1, "partitions" : 0, "runs_per_cell" : 2 },
              "complete" : true, "interrupted" : false, "runs_planned" : 6, "runs_done" : 6, "wall_ms" : 4200,
              "clusters" : { "formed" : 2, "restarts" : 0, "errors" : [ ] },
              "totals" : { "cells" : 3, "cells_run" : 2, "cells_skipped" : 1, "runs" : 4,
                "verdicts" : { "consistent" : 1, "benign-alias" : 0, "unknown" : 0, "hazard" : 2 },
                "missed" : 1, "false" : 0, "exit3" : 1, "cells_failed" : 1 },
              "cells" : [ {
                "cell" : "1-6.10", "index" : 1, "values" : { "platform.kvm" : "6.10" }, "status" : "failed",
                "dir" : "runs/1-6.10",
                "oracle" : { "verdict" : "hazard", "hazards" : [ ], "complete" : true, "seed" : 5, "wall_ms" : 70,
                  "dir" : "runs/1-6.10/oracle" },
                "runs" : 2, "verdicts" : { "consistent" : 1, "benign-alias" : 0, "unknown" : 0, "hazard" : 1 },
                "hazards" : { "b0 guest/renderer memtype-alias" : 1 }, "missed" : 1, "false" : 0, "exit3" : 0,
                "mean_ms" : 80.5, "p99_ms" : 91,
                "failures" : [ { "run" : 2, "seed" : 7, "dir" : "runs/1-6.10/r2",
                  "why" : "missed b0 guest/renderer memtype-alias" } ]
              }, {
                "cell" : "2-6.16", "index" : 2, "values" : { "platform.kvm" : "6.16" }, "status" : "passed",
                "dir" : "runs/2-6.16",
                "oracle" : { "verdict" : "consistent", "hazards" : [ ], "complete" : true, "seed" : 6, "wall_ms" : 70,
                  "dir" : "runs/2-6.16/oracle" },
                "runs" : 2, "verdicts" : { "consistent" : 1, "benign-alias" : 0, "unknown" : 0, "hazard" : 0 },
                "hazards" : { }, "missed" : 0, "false" : 0, "exit3" : 1, "mean_ms" : 60.0, "p99_ms" : 62,
                "failures" : [ ]
              }, {
                "cell" : "3-5.6", "index" : 3, "values" : { "platform.kvm" : "5.6" }, "status" : "skipped",
                "reason" : "ignore-guest-pat-quirk <off> needs kvm >= 6.16"
              } ],
              "exit_code" : 1
            }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void campaignDirectory() {
        write(dir.resolve("campaign.json"), CAMPAIGN);
        write(dir.resolve("runs/1-6.10/scenario.yaml"), "name: c\ndescription: cell one\n");
        campaignRun("runs/1-6.10/oracle", "hazard", true);
        campaignRun("runs/1-6.10/r1", "hazard", true);
        campaignRun("runs/1-6.10/r2", "consistent", true);
        campaignRun("runs/2-6.16/oracle", "consistent", true);
        campaignRun("runs/2-6.16/r1", "consistent", true);
        campaignRun("runs/2-6.16/r2", "unknown", false);
    }

    private void campaignRun(String rel, String verdict, boolean complete) {
        String about = "\"campaign\" : { \"name\" : \"quirk-vs-drivers\", \"cell\" : \"x\", \"run\" : 1,"
                + " \"fault_plan\" : [ { \"step\" : 1, \"kill\" : \"gpu-process-node\" } ] },";
        Path runDir =
                run(dir.resolve(rel), result("thread/option-2-honor-guest-pat", verdict, WITNESS, complete, about));
        try {
            Files.delete(runDir.resolve("scenario.yaml")); // campaign runs share their cell's scenario.yaml
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String report() {
        HtmlReport.Outcome outcome = HtmlReport.write(dir);
        assertThat(outcome).isEqualTo(new HtmlReport.Written(dir.resolve("report.html"), 6));
        return read(dir.resolve("report.html"));
    }

    @Test
    void everyRunGetsItsOwnReportAndTheMatrixLinksToItRelatively() {
        String html = report();

        for (String rel : new String[] {
            "runs/1-6.10/oracle",
            "runs/1-6.10/r1",
            "runs/1-6.10/r2",
            "runs/2-6.16/oracle",
            "runs/2-6.16/r1",
            "runs/2-6.16/r2"
        }) {
            assertThat(dir.resolve(rel).resolve("report.html")).exists();
            assertThat(html).contains("href=\"" + rel + "/report.html\"");
        }
        assertThat(html).doesNotContain("href=\"" + dir).doesNotContain("href=\"/");
    }

    @Test
    void runChipsAreColouredByTheirVerdictAndExit3IsBlack() {
        String html = report();

        assertThat(html)
                .contains("<a class=\"chip v-hazard\" href=\"runs/1-6.10/r1/report.html\" title=\"r1: hazard\">1</a>");
        assertThat(html).contains("<a class=\"chip v-consistent\" href=\"runs/1-6.10/r2/report.html\"");
        assertThat(html)
                .contains("<a class=\"chip x3\" href=\"runs/2-6.16/r2/report.html\" title=\"r2: unknown, exit 3\">");
        assertThat(html.indexOf("runs/1-6.10/oracle/report.html"))
                .isLessThan(html.indexOf("runs/1-6.10/r1/report.html"));
    }

    @Test
    void rowsAreColouredByTheDominantVerdictWithCountsAndMismatches() {
        String html = report();

        // cell 1 ties hazard 1 : consistent 1, and a tie goes to the worse verdict
        assertThat(html)
                .contains("<tr id=\"cell-1-610\" class=\"row-hazard\"><td class=\"mono\">1-6.10</td>"
                        + "<td class=\"mono\">6.10</td><td class=\"bad\">failed</td>");
        assertThat(html)
                .contains("<td class=\"num\">1</td><td class=\"num\"></td><td class=\"num\"></td>"
                        + "<td class=\"num dom\">1</td>");
        assertThat(html).contains("<div class=\"haz\">b0 guest/renderer memtype-alias (1)</div>");
        assertThat(html)
                .contains("<td class=\"num hot\">1</td><td class=\"num\">0</td><td class=\"num\">0</td>"
                        + "<td class=\"num\">80.5</td><td class=\"num\">91</td>");
        assertThat(html).contains("<tr id=\"cell-2-616\" class=\"row-consistent\">");
    }

    @Test
    void skippedCellsShowTheLoadersReasonEscaped() {
        String html = report();

        assertThat(html).contains("class=\"row-skipped\"");
        assertThat(html).contains("ignore-guest-pat-quirk &lt;off&gt; needs kvm &gt;= 6.16");
    }

    @Test
    void failuresLinkToTheFailingRunsReportAndPrintTheCommandThatReplaysIt() {
        String html = report();

        assertThat(html)
                .contains("<a href=\"runs/1-6.10/r2/report.html\">runs/1-6.10/r2</a></td>"
                        + "<td class=\"mono\">7</td><td>missed b0 guest/renderer memtype-alias</td>"
                        + "<td><code class=\"reproduce\">./memtype-lab replay " + dir + "/runs/1-6.10/r2</code></td>");
    }

    @Test
    void theMatrixIsAGridOfItsCellsColouredByResultWithTheExit3Share() {
        String html = report();

        assertThat(html.split("<td class=\"grid-cell ", -1)).hasSize(4);
        assertThat(html)
                .contains("<td class=\"grid-cell g-failed\" data-cell=\"1-6.10\" data-result=\"failed\">")
                .contains("<td class=\"grid-cell g-consistent\" data-cell=\"2-6.16\" data-result=\"consistent\">")
                .contains("<td class=\"grid-cell g-skipped\" data-cell=\"3-5.6\" data-result=\"skipped\">")
                .contains("<span class=\"g-line g-exit3 hot\">exit 3: 1 of 2 (50%)</span>");
        assertThat(html).contains("<title>run wall times of 6 runs</title>");
    }

    @Test
    void anInterruptedCampaignShowsHowFarItGotAndNoGreenExitCode() {
        write(
                dir.resolve("campaign.json"),
                CAMPAIGN.replace("\"exit_code\" : 1", "\"exit_code\" : 0")
                        .replace(
                                "\"complete\" : true, \"interrupted\" : false, \"runs_planned\" : 6, \"runs_done\" : 6",
                                "\"complete\" : false, \"interrupted\" : true, \"runs_planned\" : 6, \"runs_done\" : 4"));

        String html = report();

        assertThat(html).contains("<div class=\"banner interrupted\">interrupted: 4 of 6 runs</div>");
        assertThat(html).contains("<dt>exit code</dt><dd class=\"bad\">interrupted: 4 of 6 runs</dd>");
        assertThat(html).doesNotContain("<dd class=\"ok\">0</dd>");
    }

    @Test
    void aReproduceCommandQuotesAPathTheShellWouldSplit() {
        assertThat(CampaignReport.reproduce("runs/my campaign", "runs/1-a/r2"))
                .isEqualTo("./memtype-lab replay 'runs/my campaign/runs/1-a/r2'");
        assertThat(CampaignReport.reproduce(".", "runs/1-a/r2")).isEqualTo("./memtype-lab replay runs/1-a/r2");
    }

    @Test
    void aCampaignRunLinksBackToTheCampaignAndShowsTheCellsScenario() {
        report();

        String run = read(dir.resolve("runs/1-6.10/r1/report.html"));
        assertThat(run).contains("<a href=\"../../../report.html\">");
        assertThat(run).contains("cell one");
        assertThat(run).contains("<li>step 1: kill gpu-process-node</li>");
    }

    @Test
    void aRunWhoseResultCannotBeReadIsLinkedByItsDirectory() {
        write(dir.resolve("runs/2-6.16/r2/result.json"), "{\"scenario\": ");

        HtmlReport.Outcome outcome = HtmlReport.write(dir);

        assertThat(outcome).isEqualTo(new HtmlReport.Written(dir.resolve("report.html"), 5));
        assertThat(read(dir.resolve("report.html")))
                .contains("<a class=\"chip none\" href=\"runs/2-6.16/r2/\" title=\"r2: no result\">2</a>");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"consistent\":3,\"hazard\":1}                | consistent",
                "{\"consistent\":1,\"hazard\":1}                | hazard",
                "{\"benign-alias\":2,\"unknown\":2,\"consistent\":1} | unknown",
                "{\"consistent\":0,\"hazard\":0}                | ''"
            })
    void dominantVerdictIsTheMostCommonAndATieGoesToTheWorse(String counts, String expected) throws Exception {
        Map<String, Integer> verdicts = Documents.JSON.readValue(counts, new TypeReference<>() {});

        assertThat(CampaignReport.dominant(verdicts)).isEqualTo(expected);
    }
}
