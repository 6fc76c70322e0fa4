package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.documents.CampaignFiles;
import org.memtypelab.documents.CampaignSummary;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.documents.TraceLine;
import org.memtypelab.lab.cli.Main;

/**
 * A real hazard run and a real small campaign, their reports loaded in headless Chromium: the DOM after the page's
 * script ran (sequence diagram lanes, arrows, faults, hazard steps and rule chains; the campaign grid, run-time plot,
 * interrupted banner and reproduce command) and a screenshot of each. Skipped without Chromium, unless
 * MEMTYPE_LAB_REQUIRE_ENV=1 (CI) makes that a failure. With {@code -Dmemtype.lab.screenshots=DIR} the screenshots are
 * also copied to DIR (how docs/img/ is made).
 */
class ReportsInChromiumTest {

    static final String SPEC = """
            name: report-grid
            description: Two keys for the report's grid.
            base: kernel/6-11-rc-self-snoop
            seed: 1
            matrix:
              platform.self-snoop: [true, false]
              platform.kvm: ["6.11-rc3", "6.16"]
            faults: {random: {messages: 0.05}, runs-per-cell: 2}
            """;

    @TempDir
    static Path tmp;

    static String chromium;
    static Path run;
    static Path campaign;

    static final String NO_CHROMIUM = "no 'chromium' on PATH: the reports are checked in a real browser"
            + " (Debian/Ubuntu: apt-get install chromium; .ci/run installs it)";

    @BeforeAll
    static void playARunAndACampaign() throws IOException {
        chromium = chromium();
        if (chromium == null) {
            if ("1".equals(System.getenv("MEMTYPE_LAB_REQUIRE_ENV"))) {
                Assertions.fail(NO_CHROMIUM + " - MEMTYPE_LAB_REQUIRE_ENV=1 requires it");
            }
            return; // each test reports the skip and why
        }
        run = tmp.resolve("run");
        Run r = lab("run", "faults/late-reply", "--out", run.toString());
        assertThat(r.code()).as("run: %s %s", r.out(), r.err()).isZero();
        Path spec = tmp.resolve("report-grid.yaml");
        Files.writeString(spec, SPEC);
        campaign = tmp.resolve("campaign");
        Run c = lab("campaign", spec.toString(), "--out", campaign.toString(), "--parallel", "1");
        assertThat(c.code()).as("campaign: %s %s", c.out(), c.err()).isZero();
    }

    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(chromium != null, NO_CHROMIUM);
    }

    @Test
    void runReportDrawsEveryMessageOfTheHistoryWithFaultsHazardStepsAndRuleChains() throws Exception {
        String dom = dom(run.resolve("report.html"));
        List<TraceLine> history = RunFiles.lines(run.resolve("history.jsonl"));
        RunResult result = RunFiles.readResult(run);

        assertThat(count(dom, "<svg [^>]*class=\"sequence\"")).isPositive();
        assertThat(dom).as("the page's script ran in the browser").contains("data-seq-ready=\"1\"");
        for (String node : List.of("conductor", "kvm-node", "qemu-node", "gpu-process-node", "monitor")) {
            assertThat(dom).contains("<g class=\"lane\" data-node=\"" + node + "\">");
        }
        long messages = history.stream()
                .filter(l -> l instanceof TraceLine.Recv || l instanceof TraceLine.Event)
                .count();
        assertThat(messages).isPositive();
        assertThat(count(dom, "<line class=\"arrow[\" ]")).isEqualTo(messages);
        long faults = history.stream().filter(l -> l instanceof TraceLine.Fault).count();
        assertThat(faults).as("faults/late-reply delays a reply").isPositive();
        assertThat(count(dom, "<g class=\"fault\" ")).isGreaterThanOrEqualTo(faults);
        assertThat(result.hazards()).isNotEmpty();
        for (RunResult.HazardEntry h : result.hazards()) {
            assertThat(dom).contains("<rect class=\"hazard-step\" data-step=\"" + h.step() + "\"");
        }
        assertThat(count(dom, "<tr class=\"hazard-row\">"))
                .isEqualTo(result.hazards().size());
        assertThat(count(dom, "<tr class=\"hazard-row\">(?:(?!</tr>).)*<ol class=\"rule-chain\"><li>DOMAIN rule"))
                .as("every hazard row carries explain's rule chain")
                .isEqualTo(result.hazards().size());
        assertThat(dom).contains("./memtype-lab explain --cpu intel --kvm 6.16 --no-self-snoop --guest-pat WC");

        screenshot(run.resolve("report.html"), 1400, 2250, 0.8, "run-report.png");
    }

    @Test
    void campaignReportDrawsTheMatrixAsAGridWithRunTimes() throws Exception {
        String dom = dom(campaign.resolve("report.html"));
        CampaignSummary summary = CampaignFiles.read(campaign);
        long runs;
        try (Stream<Path> files = Files.walk(campaign.resolve("runs"))) {
            runs = files.filter(p -> p.getFileName().toString().equals("result.json"))
                    .count();
        }

        assertThat(summary.cells()).hasSize(4);
        assertThat(count(dom, "<table class=\"grid\"")).as("two keys: one grid").isEqualTo(1);
        assertThat(count(dom, "<td class=\"grid-cell "))
                .isEqualTo(summary.cells().size());
        for (CampaignSummary.CellEntry cell : summary.cells()) {
            assertThat(dom).contains("data-cell=\"" + cell.cell() + "\"");
        }
        assertThat(count(dom, "<th class=\"mono\">(6\\.11-rc3|6\\.16)</th>")).isEqualTo(2);
        assertThat(count(dom, "<span class=\"g-line g-exit3[ \"][^>]*>exit 3: \\d+ of 2 \\(\\d+%\\)</span>"))
                .as("the exit-3 share in every square")
                .isEqualTo(4);
        assertThat(dom).contains("<title>run wall times of " + runs + " runs</title>");
        assertThat(count(dom, "<rect class=\"bar")).isPositive();
        assertThat(dom).doesNotContain("class=\"banner interrupted\"").contains("<dd class=\"ok\">0</dd>");

        screenshot(campaign.resolve("report.html"), 1400, 1000, 1, "campaign-report.png");
    }

    @Test
    void anInterruptedCampaignSaysSoInsteadOfExitCodeZeroAndItsFailuresReplayAsPrinted() throws Exception {
        Path copy = tmp.resolve("interrupted");
        copyTree(campaign, copy);
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc =
                (ObjectNode) json.readTree(copy.resolve(CampaignFiles.FILE).toFile());
        doc.put("interrupted", true).put("complete", false).put("runs_done", 7);
        ObjectNode cell = (ObjectNode) doc.withArray("cells").get(0);
        String runDir = cell.get("dir").asText() + "/r1";
        ArrayNode failures = cell.putArray("failures");
        failures.addObject().put("run", 1).put("seed", 1).put("dir", runDir).put("why", "missed b0 made up");
        json.writeValue(copy.resolve(CampaignFiles.FILE).toFile(), doc);
        assertThat(lab("report", copy.toString()).code()).isZero();

        String dom = dom(copy.resolve("report.html"));

        assertThat(dom).contains("<div class=\"banner interrupted\">interrupted: 7 of 12 runs</div>");
        assertThat(dom).doesNotContain("<dd class=\"ok\">0</dd>");
        Matcher m = Pattern.compile("<code class=\"reproduce\">\\./memtype-lab replay ([^<]+)</code>")
                .matcher(dom);
        assertThat(m.find()).as("a reproduce command in the failure table").isTrue();
        assertThat(m.group(1)).isEqualTo(copy + "/" + runDir);
        Run replay = lab("replay", m.group(1));
        assertThat(replay.code())
                .as("replay: %s %s", replay.out(), replay.err())
                .isZero();
    }

    // --- the browser ---

    /** The page's DOM after its scripts ran, as Chromium serialises it. */
    static String dom(Path page) throws Exception {
        Path out = Files.createTempFile(tmp, "dom", ".html");
        chromium(out, "--dump-dom", page.toUri().toString());
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(dom).as("Chromium dumped the DOM of %s", page).contains("</html>");
        return dom;
    }

    /** A screenshot of the page's top {@code width x height} CSS pixels, scaled by {@code scale} (docs/img size). */
    static void screenshot(Path page, int width, int height, double scale, String name) throws Exception {
        Path png = tmp.resolve(name);
        chromium(
                null,
                "--screenshot=" + png,
                "--window-size=" + width + "," + height,
                "--force-device-scale-factor=" + scale,
                "--hide-scrollbars",
                page.toUri().toString());
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("screenshot %s", name).isGreaterThan(10_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        String keep = System.getProperty("memtype.lab.screenshots", "");
        if (!keep.isEmpty()) {
            Files.createDirectories(Path.of(keep));
            Files.copy(png, Path.of(keep, name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void chromium(Path stdout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile")));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "chromium", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.redirectOutput(
                stdout == null
                        ? ProcessBuilder.Redirect.appendTo(log.toFile())
                        : ProcessBuilder.Redirect.to(stdout.toFile()));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assertions.fail("chromium did not finish in 120 s: " + cmd);
        }
        assertThat(p.exitValue())
                .as("chromium %s: %s", cmd, Files.readString(log))
                .isZero();
    }

    /** Chromium's path on PATH, or null. */
    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    // --- the lab ---

    record Run(int code, String out, String err) {}

    static Run lab(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static long count(String text, String regex) {
        return Pattern.compile(regex, Pattern.DOTALL).matcher(text).results().count();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
