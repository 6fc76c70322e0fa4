package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.lab.cli.Main;

/** The {@code campaign} command: input handling (no cluster), and --resume and --junit on a real embedded cluster. */
class CampaignCommandTest {

    record Run(int code, String out, String err) {}

    static Run campaign(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "campaign";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void badSpecExitsTwoWithFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "name: t\nbase: kernel/6-11-self-snoop\nmatrix:\n  platform.kvmm: [\"6.10\"]\n");

        Run r = campaign(spec.toString(), "--out", dir.resolve("out").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith(spec + ":4:3: matrix: platform.kvmm: platform: unknown key 'kvmm'");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void unknownSpecNameListsTheBundledCampaigns() {
        Run r = campaign("no-such-campaign");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("'no-such-campaign': no such campaign spec file or bundled campaign; bundled: ")
                .contains("kvm-era-x-self-snoop-x-driver", "thread-options-x-migration");
    }

    static final String TINY = """
            name: tiny
            base: kernel/6-11-rc-self-snoop
            matrix:
              platform.self-snoop: [true, false]
            faults: {runs-per-cell: 2}
            """;

    @Test
    void resumePlaysOnlyTheRunsAnInterruptedCampaignLeftAndWritesJUnit(@TempDir Path tmp) throws Exception {
        Path spec = Files.writeString(tmp.resolve("tiny.yaml"), TINY);
        Path dir = tmp.resolve("camp");
        assertThat(campaign(spec.toString(), "--out", dir.toString(), "--parallel", "1")
                        .code())
                .isZero();
        Path cell = dir.resolve("runs/2-false");
        String before = Files.readString(cell.resolve("r2/result.json"));
        long traceLines = lines(cell.resolve("r2"));
        // as if Ctrl-C had come during the second cell: r2 half-played (traces, no result), r1 never started
        Files.delete(cell.resolve("r2/result.json"));
        org.memtypelab.documents.RunFiles.deleteTree(cell.resolve("r1"));
        Path junit = tmp.resolve("junit/campaign.xml");

        Run r = campaign("--resume", dir.toString(), "--parallel", "1", "--junit", junit.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("4 of 6 runs were finished, 2 to play");
        var summary = org.memtypelab.documents.CampaignFiles.read(dir);
        assertThat(summary.complete()).isTrue();
        assertThat(summary.runsDone()).isEqualTo(6);
        assertThat(lines(cell.resolve("r2")))
                .as("no trace of the half-played run left")
                .isEqualTo(traceLines);
        assertThat(hazards(Files.readString(cell.resolve("r2/result.json")))).isEqualTo(hazards(before));
        String xml = Files.readString(junit);
        assertThat(xml).contains("tests=\"2\"", "failures=\"0\"", "name=\"1-true\"", "name=\"2-false\"");
    }

    @Test
    void resumeRefusesADirectoryWithoutACampaignOrWithAnotherSpec(@TempDir Path tmp) throws Exception {
        Run none = campaign("--resume", tmp.resolve("nothing").toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no campaign.json there");

        Path dir = Files.createDirectories(tmp.resolve("camp/runs/01-true"));
        Files.writeString(dir.resolve("scenario.yaml"), "name: other\n");
        Files.writeString(tmp.resolve("camp/campaign.json"), "{\"spec\": \"thread-options-x-migration\"}");
        Run other = campaign("--resume", tmp.resolve("camp").toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("started from another spec").doesNotContain("Exception");

        Run neither = campaign();
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).contains("or --resume DIR");
    }

    private static long lines(Path runDir) throws java.io.IOException {
        try (var files = Files.list(runDir)) {
            long n = 0;
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("trace-"))
                    .toList()) {
                n += Files.readAllLines(f).size();
            }
            return n;
        }
    }

    private static String hazards(String resultJson) throws java.io.IOException {
        return org.memtypelab.documents.Documents.JSON
                        .readTree(resultJson)
                        .get("hazards")
                        .toString()
                + org.memtypelab.documents.Documents.JSON.readTree(resultJson).get("verdict");
    }

    @Test
    void parallelMustBePositive() {
        Run r = campaign("thread-options-x-migration", "--parallel", "0");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--parallel must be at least 1");
    }

    static java.util.List<String> bundled() {
        return CampaignCatalogue.bundled().names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void bundledCampaignLoadsByNameWithRunnableCells(String name) {
        CampaignLoad r = CampaignLoader.load(name);

        assertThat(r).as("%s", r).isInstanceOf(CampaignLoad.Ready.class);
        Campaign c = ((CampaignLoad.Ready) r).campaign();
        assertThat(c.spec().name()).isEqualTo(name);
        assertThat(c.playable()).isNotEmpty();
        assertThat(c.spec().faults().none()).isFalse();
    }
}
