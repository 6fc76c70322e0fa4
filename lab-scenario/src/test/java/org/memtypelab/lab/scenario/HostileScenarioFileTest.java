package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile scenario files and the limits that refuse them, each a located error in plain words; and the findings of
 * {@link ScenarioFuzzTest}, one regression test each.
 */
class HostileScenarioFileTest {

    private static final String STEPS = "steps:\n  - migrate: {}\n";

    @TempDir
    Path dir;

    private static ScenarioError error(String text) {
        LoadResult r = ScenarioLoader.load("s.yaml", text);
        assertThat(r).as("%s", r).isInstanceOf(ScenarioError.class);
        ScenarioError e = (ScenarioError) r;
        LocatedErrors.assertWithin(text, e);
        return e;
    }

    private static String allocate(String size, String gpa) {
        return "name: t\nsteps:\n  - allocate: {buffer: b0, size: " + size + ", placement: gtt-uswc}\n"
                + "  - export: {buffer: b0}\n  - map-blob: {buffer: b0, gpa: " + gpa + "}\n";
    }

    @Test
    void nonUtf8FileIsLocatedAtItsFirstBadByte() throws IOException {
        Path f = dir.resolve("latin1.yaml");
        Files.write(f, ("name: t\ndescription: caf\u00e9\n" + STEPS).getBytes(StandardCharsets.ISO_8859_1));

        ScenarioError e = (ScenarioError) ScenarioLoader.load(f);

        assertThat(e.toString())
                .isEqualTo(f + ":2:17: the file is not UTF-8 text: byte 0xe9 (byte offset 24) does not belong to a"
                        + " UTF-8 character; allowed: UTF-8 only (save the file as UTF-8)");
    }

    @Test
    void utf16FileIsNamedAsSuch() throws IOException {
        Path f = dir.resolve("utf16.yaml");
        Files.write(f, ("\ufeffname: t\n" + STEPS).getBytes(StandardCharsets.UTF_16LE));

        ScenarioError e = (ScenarioError) ScenarioLoader.load(f);

        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(1);
        assertThat(e.message()).contains("byte 0xff", "starts like UTF-16");
    }

    @Test
    void fileLargerThanTheLimitIsRefusedWithoutParsing() throws IOException {
        Path f = dir.resolve("big.yaml");
        Files.writeString(f, "name: t\n" + STEPS + "#" + "x".repeat(YamlFile.MAX_BYTES) + "\n");

        ScenarioError e = (ScenarioError) ScenarioLoader.load(f);

        assertThat(e.toString())
                .isEqualTo(f + ":1:1: the file is larger than 256 KiB; allowed: at most 262144 bytes"
                        + " (a scenario or campaign spec is a few KB)");
    }

    @Test
    void fileAtTheLimitLoads() throws IOException {
        Path f = dir.resolve("full.yaml");
        String text = "name: t\n" + STEPS + "#";
        Files.writeString(f, text + "x".repeat(YamlFile.MAX_BYTES - text.length()));

        assertThat(ScenarioLoader.load(f)).isInstanceOf(LoadResult.Loaded.class);
    }

    @Test
    void unreadableFileSaysWhyInPlainWords() {
        ScenarioError e = (ScenarioError) ScenarioLoader.load(dir.resolve("missing.yaml"));

        assertThat(e.message()).isEqualTo("cannot read the file: no such file");
    }

    @Test
    void textLongerThanTheCodePointLimitIsLocatedAtTheLimit() {
        String text = "name: t\n" + STEPS + "description: " + "x".repeat(YamlTree.MAX_CODE_POINTS) + "\n";

        ScenarioError e = error(text);

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(YamlTree.MAX_CODE_POINTS - ("name: t\n" + STEPS).length() + 1);
        assertThat(e.message()).isEqualTo("the text is longer than 262144 characters; allowed: at most 262144");
    }

    @Test
    void nestingPastJacksonsLimitIsLocatedAtTheFirstLevelTooDeep() {
        String text = "name: t\n" + STEPS + "description: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";

        ScenarioError e = error(text);

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo("description: ".length() + YamlTree.MAX_DEPTH);
        assertThat(e.message())
                .isEqualTo("mappings and lists nested more than 32 levels deep; allowed: at most 32 (a scenario"
                        + " needs 5)");
    }

    @Test
    void aliasBombIsRefusedAtTheFirstAliasUnexpanded() {
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";

        ScenarioError e = error(bomb + "name: t\n" + STEPS);

        assertThat(e.toString()).isEqualTo("s.yaml:2:8: YAML aliases (*a) are not allowed in scenario files");
    }

    // Findings of ScenarioFuzzTest and of the hostile-input review, fixed

    @Test
    void sizeTooLargeForALongIsALocatedErrorNotACrash() {
        // was: NumberFormatException escaping the loader
        ScenarioError e = error(allocate("99999999999999999999TiB", "0x100000000"));

        assertThat(e.toString())
                .isEqualTo("s.yaml:3:34: steps[1].allocate.size: size '99999999999999999999TiB' is too large;"
                        + " allowed: in 1..4503599627370496");
    }

    @Test
    void bufferLargerThanThePhysicalAddressSpaceIsRefused() {
        // was: accepted, 99999 TiB is past any x86 physical address space
        assertThat(error(allocate("99999TiB", "0x100000000")).message()).contains("too large");
        assertThat(ScenarioLoader.load("s.yaml", allocate("4096TiB", "0x0"))).isInstanceOf(LoadResult.Loaded.class);
    }

    @Test
    void blobGpaPastFiftyTwoBitsIsRefused() {
        // was: accepted
        assertThat(error(allocate("2MiB", "0x10000000000000")).toString())
                .isEqualTo("s.yaml:5:33: steps[3].map-blob.gpa: 4503599627370496 is out of range; allowed: in"
                        + " 0..4503599627370495");
        assertThat(error(allocate("2MiB", "0xfffffffff0000")).toString())
                .isEqualTo("s.yaml:5:33: steps[3].map-blob.gpa: buffer b0 at 0xfffffffff0000 would end past"
                        + " 0x10000000000000, beyond x86's 52-bit physical address space; allowed: 0..0xfffffffe00000");
        assertThat(ScenarioLoader.load("s.yaml", allocate("2MiB", "0xfffffffe00000")))
                .isInstanceOf(LoadResult.Loaded.class);
    }

    @Test
    void controlCharacterIsReportedWhereItIsInPlainWords() {
        // was: "YAML syntax error: special characters are not allowed" at 1:1
        ScenarioError e = error("name: t\n" + STEPS + "description: a\u0001b\n");

        assertThat(e.toString())
                .isEqualTo("s.yaml:4:15: character U+0001 is not allowed in YAML text (a control or non-character"
                        + " code point); allowed: printable characters, tab and line breaks");
    }

    @Test
    void complexMappingKeyMessageNamesNoJavaClass() {
        // was: "... got this instead: <org.yaml.snakeyaml.events.SequenceStartEvent(anchor=null, ...)>"
        ScenarioError e = error("name: t\n? [a, b]\n: 1\n" + STEPS);

        assertThat(e.toString())
                .isEqualTo("s.yaml:2:3: a mapping key must be a plain word or a quoted string, not a list, a mapping"
                        + " or an alias");
        assertThat(error("*a : 1\n").message()).startsWith("a mapping key must be");
    }

    @Test
    void mappingWithManyKeysLoadsInLinearTime() {
        // was: every key compared with every earlier key, 20,000 keys took about 10 s
        StringBuilder b = new StringBuilder("name: t\n" + STEPS + "platform:\n");
        for (int i = 0; i < 20_000; i++) {
            b.append("  k").append(i).append(": 1\n");
        }
        String text = b.toString();

        ScenarioError e = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> error(text));

        assertThat(e.toString()).startsWith("s.yaml:5:3: platform: unknown key 'k0'");
    }

    @Test
    void scenarioNameLongerThanADirectoryNameAllowsIsRefused() {
        // was: accepted, then the run directory could not be created
        ScenarioError e = error("name: " + "a".repeat(300) + "\n" + STEPS);

        assertThat(e.toString())
                .isEqualTo("s.yaml:1:7: name: the scenario name is 300 characters long; allowed: at most 128");
    }

    @Test
    void emptyGpuProcessSectionTakesTheDefaultDriver() {
        // was: ClassCastException (the section's null value taken for a mapping)
        LoadResult r = ScenarioLoader.load(
                "s.yaml",
                "name: t\ngpu-process:\nsteps:\n  - allocate: {buffer: b0, size: 4KiB, placement: shmem-wc}\n");

        assertThat(r.toString()).contains("shmem-wc is not a placement of driver amdgpu (the default driver)");
    }

    @Test
    void moreStepsThanTheLimitAreRefusedAtTheFirstOneTooMany() {
        String text = "name: t\nsteps:\n" + "  - migrate: {}\n".repeat(StepReader.MAX_STEPS + 1);

        assertThat(error(text).toString())
                .isEqualTo("s.yaml:1003:5: steps: more than 1000 steps; allowed: at most 1000");
        assertThat(ScenarioLoader.load("s.yaml", "name: t\nsteps:\n" + "  - migrate: {}\n".repeat(1000)))
                .isInstanceOf(LoadResult.Loaded.class);
    }
}
