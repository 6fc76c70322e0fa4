package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code map}: bad input is one plain line and exit 2, before any cluster starts. */
class MapCommandTest {

    @Test
    void outThatIsAFileIsExit2InPlainWords(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.commandLine(new PrintWriter(o, true), new PrintWriter(e, true))
                .execute("map", "--out", file.toString());
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(e.toString().strip())
                .isEqualTo(
                        "memtype-lab map: --out " + file + " is a file; give a directory (it is created if missing)");
        assertThat(o.toString()).isEmpty();
    }

    @Test
    void unknownOptionNamesTheCommand() {
        StringWriter e = new StringWriter();
        int code = Main.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(e, true))
                .execute("map", "--outt");
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(e.toString())
                .startsWith("memtype-lab map: unknown option '--outt'")
                .doesNotContain("Exception");
    }
}
