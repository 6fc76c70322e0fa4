package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.lab.report.RunDirFixture.WITNESS;
import static org.memtypelab.lab.report.RunDirFixture.hazardRun;
import static org.memtypelab.lab.report.RunDirFixture.read;
import static org.memtypelab.lab.report.RunDirFixture.result;
import static org.memtypelab.lab.report.RunDirFixture.run;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report page of one run directory, built from result.json and history.jsonl shaped like real ones. */
class RunReportTest {

    @TempDir
    Path dir;

    private String report(Path runDir) {
        HtmlReport.Outcome outcome = HtmlReport.write(runDir);
        assertThat(outcome).isInstanceOf(HtmlReport.Written.class);
        assertThat(((HtmlReport.Written) outcome).file()).isEqualTo(runDir.resolve("report.html"));
        return read(runDir.resolve("report.html"));
    }

    @Test
    void headerShowsScenarioSeedNodesAndTheVerdictAsAColouredBadge() {
        String html = report(hazardRun(dir));

        assertThat(html).contains("<h1>thread/option-0-status-quo <span class=\"badge v-hazard big\">hazard</span>");
        assertThat(html).contains("<dt>seed</dt><dd>1</dd>", "<dt>nodes</dt><dd>embedded</dd>");
        assertThat(html).contains("<span class=\"ok\">complete</span>");
        assertThat(html).contains("Guest maps a USWC buffer &lt;WC&gt; &amp; KVM ignores it.");
    }

    @Test
    void eachVerdictHasItsOwnBadgeColour() {
        for (String verdict : new String[] {"consistent", "benign-alias", "unknown"}) {
            Path runDir = run(dir.resolve(verdict), result("s", verdict, WITNESS, true, ""));

            assertThat(report(runDir)).contains("<span class=\"badge v-" + verdict + " big\">" + verdict + "</span>");
        }
        String css = new Html().head("t").finish();
        assertThat(css)
                .contains(".v-consistent{background:#1a7f37}")
                .contains(".v-benign-alias{background:#0969da}")
                .contains(".v-unknown{background:#6e7781}")
                .contains(".v-hazard{background:#cf222e}");
    }

    @Test
    void hazardRowHasKindPairTypesStepAndWitness() {
        String html = report(hazardRun(dir));

        assertThat(html)
                .contains("<td class=\"bad\">memtype-alias</td><td>guest / renderer</td>"
                        + "<td class=\"mono\">WB / WC</td><td class=\"num\"><a href=\"#step-4\">4</a></td>"
                        + "<td class=\"witness\">" + WITNESS + "</td>");
    }

    @Test
    void mappingsTableHasWhoTypeEptLeafAndDereferenced() {
        String html = report(hazardRun(dir));

        assertThat(html).contains("<h3>buffer <code>b0</code></h3>");
        assertThat(html)
                .contains("<td>guest</td><td class=\"mono\">WB</td><td class=\"mono\">WB +IPAT</td><td>yes</td>");
        assertThat(html)
                .contains("<td>qemu</td><td class=\"mono\">WC</td><td class=\"mono\"></td>"
                        + "<td class=\"muted\">no (exists only for KVM)</td>");
        assertThat(html).contains("<td>gpu</td><td class=\"mono\">dma, no snoop</td>");
    }

    @Test
    void textFromTheRunDirectoryIsEscapedAndThePageHasNoExternalAssetAndOnlyItsOwnScript() {
        String witness = "guest wrote <img src=x onerror=alert(1)> & \\\"quoted\\\"; renderer read 0x00";
        Path runDir = run(dir, result("evil/<script>alert(1)</script>", "hazard", witness, true, ""));

        String html = report(runDir);

        assertThat(html).doesNotContain("<img", "<script ", "<link", "http://", "https://");
        assertThat(html.split("<script>", -1))
                .as("only the diagram's own inline script")
                .hasSize(2);
        assertThat(html)
                .contains("guest wrote &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;; renderer read 0x00")
                .contains("evil/&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void migrationFaultsNodesLostAndTruthAreListed() {
        String html = report(hazardRun(dir));

        assertThat(html).contains("<dt>migration</dt><dd>blocked: virgl is not yet migratable</dd>");
        assertThat(html).contains("<dt>faults</dt><dd>2 injected of 2 planned, kill 1, restart 1</dd>");
        assertThat(html).contains("<dt>nodes lost</dt><dd>none</dd>");
        assertThat(html).contains("<span class=\"ok\">missed 0</span>", "<span class=\"ok\">false 0</span>");
    }

    @Test
    void expectFailuresAndAnIncompleteRunAreSpelledOut() {
        String doc = result(
                        "s",
                        "unknown",
                        WITNESS,
                        false,
                        "\"incomplete\" : \"step 3 (gpu-read) needs gpu-process-node, which is down\",")
                .replace(
                        "\"held\" : true, \"failures\" : [ ]",
                        "\"held\" : false, \"failures\" : [ \"verdict: expected consistent, got unknown\" ]");
        String html = report(run(dir, doc));

        assertThat(html)
                .contains("<span class=\"bad\">incomplete (exit 3)</span>: step 3 (gpu-read) needs"
                        + " gpu-process-node, which is down");
        assertThat(html)
                .contains("<span class=\"bad\">did not hold:</span><ul><li>verdict: expected consistent, got"
                        + " unknown</li></ul>");
    }

    @Test
    void stepsTableHasNKindNodeOkErrnoAndDetail() {
        String html = report(hazardRun(dir));

        assertThat(html)
                .contains(
                        "<tr><td class=\"num\"><a href=\"#step-2\">2</a></td><td>map-blob</td><td>kvm-node</td>"
                                + "<td class=\"ok\">yes</td><td class=\"mono\">0</td><td>KVM created slot 0:10 - DOMAIN 3.2 step 7</td>");
        assertThat(html).contains("<td>gpu-read</td><td>gpu-process-node</td><td class=\"bad\">no</td>");
    }

    @Test
    void timelineHasOneRowPerStepAndTheFiveNodesAsColumns() {
        String html = report(hazardRun(dir));

        assertThat(html)
                .contains("<th class=\"step\">step</th><th>kvm-node</th><th>qemu-node</th>"
                        + "<th>gpu-process-node</th><th>migration-node</th><th>conductor</th>");
        Matcher rows = Pattern.compile("<tr id=\"step-(\\d+)\"").matcher(html);
        StringBuilder steps = new StringBuilder();
        while (rows.find()) {
            steps.append(rows.group(1)).append(' ');
        }
        assertThat(steps.toString()).isEqualTo("0 1 2 3 ");
    }

    @Test
    void timelineSummarisesEventsAndHighlightsFaults() {
        String html = report(hazardRun(dir));

        assertThat(html).contains("<div class=\"e event\"><span class=\"k\">event</span>mapping renderer WC</div>");
        assertThat(html).contains("<span class=\"k\">event</span>mapping guest WB (EPT WB +IPAT)</div>");
        assertThat(html).contains("<span class=\"k\">event</span>guest write 0xab at b0+0 (WB (EPT WB +IPAT))</div>");
        assertThat(html)
                .contains("<div class=\"e fault\"><span class=\"k\">fault</span>drop Observed \u2192 monitor</div>");
        assertThat(html)
                .contains("<div class=\"e fault\"><span class=\"k\">decide</span>inject kill gpu-process-node</div>");
        assertThat(html).contains("<div class=\"e duplicate\"><span class=\"k\">duplicate</span>again: guest-map b0");
        assertThat(html).contains("<tr id=\"step-2\" class=\"faulty\">", "<tr id=\"step-3\" class=\"faulty\">");
        assertThat(html).contains("<tr id=\"step-1\">");
    }

    @Test
    void aRestartedIncarnationAppearsInTheStepWhereItStarted() {
        String html = report(hazardRun(dir));

        String step3 = html.substring(html.indexOf("<tr id=\"step-3\""));
        step3 = step3.substring(0, step3.indexOf("</tr>"));
        assertThat(step3)
                .contains("<span class=\"inc\">#2 </span>joined the run")
                .contains("gpu-process-node ready: fresh GPU process \u2190 gpu-process-node")
                .doesNotContain("kvm-node ready");
        String setup = html.substring(html.indexOf("<tr id=\"step-0\""), html.indexOf("<tr id=\"step-1\""));
        assertThat(setup).contains("kvm-node ready: fresh VM").doesNotContain("#2");
    }

    @Test
    void aRunWithoutHistoryStillGetsAReport() throws Exception {
        Path runDir = hazardRun(dir);
        java.nio.file.Files.delete(runDir.resolve("history.jsonl"));

        assertThat(report(runDir)).contains("history.jsonl is missing or empty.");
    }
}
