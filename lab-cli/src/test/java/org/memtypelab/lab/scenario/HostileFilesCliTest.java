package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.lab.cli.Main;

/**
 * {@code memtype-lab run} and {@code campaign} on hostile files, end to end: exit 2, one line naming the file, line
 * and column in plain words, and nothing started (no output directory).
 */
class HostileFilesCliTest {

    private static final String STEPS = "steps:\n  - migrate: {}\n";

    @TempDir
    Path tmp;

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of(
                        "Latin-1 text",
                        ("name: t\ndescription: caf\u00e9\n" + STEPS).getBytes(StandardCharsets.ISO_8859_1),
                        "2:17: the file is not UTF-8 text: byte 0xe9"),
                Arguments.of(
                        "UTF-16 text",
                        ("\ufeffname: t\n" + STEPS).getBytes(StandardCharsets.UTF_16LE),
                        "1:1: the file is not UTF-8 text: byte 0xff"),
                Arguments.of(
                        "a file past the size limit",
                        ("name: t\n" + STEPS + "#" + "x".repeat(300_000)).getBytes(StandardCharsets.UTF_8),
                        "1:1: the file is larger than 256 KiB"),
                Arguments.of(
                        "nesting 100,000 deep",
                        ("name: t\n" + STEPS + "description: " + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8),
                        "4:45: mappings and lists nested more than 32 levels deep"),
                Arguments.of(
                        "an alias bomb",
                        ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nname: t\n"
                                        + STEPS)
                                .getBytes(StandardCharsets.UTF_8),
                        "2:8: YAML aliases (*a) are not allowed"),
                Arguments.of(
                        "a NUL byte",
                        ("name: t\n" + STEPS + "description: a\u0000\n").getBytes(StandardCharsets.UTF_8),
                        "4:15: character U+0000 is not allowed in YAML text"),
                Arguments.of(
                        "a 99999 TiB buffer",
                        ("name: t\nsteps:\n  - allocate: {buffer: b0, size: 99999TiB, placement: gtt-uswc}\n")
                                .getBytes(StandardCharsets.UTF_8),
                        "3:34: steps[1].allocate.size: size '99999TiB' is too large"),
                Arguments.of(
                        "a 300-character name",
                        ("name: " + "a".repeat(300) + "\n" + STEPS).getBytes(StandardCharsets.UTF_8),
                        "1:7: name: the scenario name is 300 characters long"),
                Arguments.of(
                        "a list as a key",
                        ("name: t\n? [a, b]\n: 1\n" + STEPS).getBytes(StandardCharsets.UTF_8),
                        "2:3: a mapping key must be a plain word or a quoted string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void runRefusesAHostileFileLocatedAndStartsNothing(String what, byte[] bytes, String expected) throws IOException {
        Path file = Files.write(tmp.resolve("hostile.yaml"), bytes);
        Path out = tmp.resolve("out");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();

        int code = Main.commandLine(new PrintWriter(o), new PrintWriter(e))
                .execute("run", file.toString(), "--out", out.toString());

        assertThat(code).isEqualTo(2);
        assertThat(e.toString()).contains(file + ":" + expected);
        assertThat(e.toString()).doesNotContain("Exception", "java.", "org.yaml", "com.fasterxml", "\tat ");
        assertThat(out).doesNotExist();
        assertThat(o.toString()).isEmpty();
    }

    @Test
    void campaignRefusesANonUtf8SpecLocatedAndStartsNothing() throws IOException {
        Path spec = Files.write(
                tmp.resolve("spec.yaml"),
                "name: c\nbase: thread/option-2-honor-guest-pat\n# \u00ff\n".getBytes(StandardCharsets.ISO_8859_1));
        Path out = tmp.resolve("out");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();

        int code = Main.commandLine(new PrintWriter(o), new PrintWriter(e))
                .execute("campaign", spec.toString(), "--out", out.toString());

        assertThat(code).isEqualTo(2);
        assertThat(e.toString()).contains(spec + ":3:3: the file is not UTF-8 text: byte 0xff");
        assertThat(e.toString()).doesNotContain("Exception", "java.");
        assertThat(out).doesNotExist();
    }
}
