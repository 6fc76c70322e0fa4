package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.YamlFile;

/** Hostile campaign spec files (and base scenario files) and the limits that refuse them, located in plain words. */
class HostileCampaignSpecTest {

    private static final String HEAD = "name: c\nbase: thread/option-2-honor-guest-pat\n";

    @TempDir
    Path dir;

    private ScenarioError invalid(String specPath) {
        CampaignLoad r = CampaignLoader.load(CampaignCatalogue.bundled(), specPath);
        assertThat(r).as("%s", r).isInstanceOf(CampaignLoad.Invalid.class);
        return ((CampaignLoad.Invalid) r).error();
    }

    @Test
    void nonUtf8SpecIsLocatedAtItsFirstBadByte() throws IOException {
        // was: "cannot read spec.yaml: java.nio.charset.MalformedInputException: Input length = 1", no location
        Path spec = dir.resolve("latin1.yaml");
        Files.write(spec, (HEAD + "description: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));

        ScenarioError e = invalid(spec.toString());

        assertThat(e.toString())
                .isEqualTo(spec + ":3:17: the file is not UTF-8 text: byte 0xe9 (byte offset 62) does not belong to"
                        + " a UTF-8 character; allowed: UTF-8 only (save the file as UTF-8)");
    }

    @Test
    void nonUtf8BaseScenarioIsReportedAtTheSpecsBaseWithItsOwnLocation() throws IOException {
        Path base = dir.resolve("base.yaml");
        Files.write(base, "name: b\n\u00ff\n".getBytes(StandardCharsets.ISO_8859_1));
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, "name: c\nbase: base.yaml\n");

        ScenarioError e = invalid(spec.toString());

        assertThat(e.toString())
                .isEqualTo(spec + ":2:7: base: the base scenario is invalid: " + base
                        + ":2:1: the file is not UTF-8 text: byte 0xff (byte offset 8) does not belong to a UTF-8"
                        + " character; allowed: UTF-8 only (save the file as UTF-8)");
    }

    @Test
    void specLargerThanTheLimitIsRefused() throws IOException {
        Path spec = dir.resolve("big.yaml");
        Files.writeString(spec, HEAD + "#" + "x".repeat(YamlFile.MAX_BYTES));

        assertThat(invalid(spec.toString()).toString())
                .isEqualTo(spec + ":1:1: the file is larger than 256 KiB;"
                        + " allowed: at most 262144 bytes (a scenario or campaign spec is a few KB)");
    }

    @Test
    void moreRunsThanTheLimitAreRefusedAtRunsPerCell() {
        // was: 10,000 cells x 100,000 runs accepted
        CampaignLoad r = Specs.load(HEAD + "matrix:\n  platform.kvm: [\"6.10\", \"6.16\"]\n"
                + "faults: {random: {messages: 0.1}, runs-per-cell: 60000}\n");

        assertThat(((CampaignLoad.Invalid) r).error().toString())
                .isEqualTo("spec.yaml:5:50: faults.runs-per-cell: 2 cells x 60000 runs is more than 100000 runs;"
                        + " allowed: at most 50000 runs per cell (or split the campaign)");
        assertThat(Specs.load(HEAD + "matrix:\n  platform.kvm: [\"6.10\", \"6.16\"]\n"
                        + "faults: {random: {messages: 0.1}, runs-per-cell: 50000}\n"))
                .isInstanceOf(CampaignLoad.Ready.class);
    }

    @Test
    void campaignNameLongerThanItsCellsAllowIsRefused() {
        // was: accepted, and every cell's scenario name then past the scenario name limit
        CampaignLoad r = Specs.load("name: " + "c".repeat(101) + "\nbase: thread/option-2-honor-guest-pat\n");

        assertThat(((CampaignLoad.Invalid) r).error().toString())
                .isEqualTo("spec.yaml:1:7: name: the campaign name is 101 characters long; allowed: at most 100");
        assertThat(Specs.load("name: " + "c".repeat(100) + "\nbase: thread/option-2-honor-guest-pat\n"))
                .isInstanceOf(CampaignLoad.Ready.class);
    }
}
