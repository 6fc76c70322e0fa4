package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.lab.report.RunDirFixture.hazardRun;
import static org.memtypelab.lab.report.RunDirFixture.write;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.lab.cli.Main;

/** {@code report DIR} through the command line: the path written on stdout, or one line on stderr and exit 2. */
class ReportCommandTest {

    record Run(int code, String out, String err) {}

    static Run report(String dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("report", dir);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsThePathWrittenAndExitsZero(@TempDir Path dir) {
        hazardRun(dir);

        Run r = report(dir.toString());

        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).isEqualTo(dir.resolve("report.html") + System.lineSeparator());
        assertThat(r.err()).isEmpty();
        assertThat(dir.resolve("report.html")).exists();
    }

    @Test
    void aMissingDirectoryIsBadInput(@TempDir Path dir) {
        Run r = report(dir.resolve("nope").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo(
                        "memtype-lab report: " + dir.resolve("nope") + ": no such directory" + System.lineSeparator());
    }

    @Test
    void aDirectoryWithoutResultOrCampaignIsBadInput(@TempDir Path dir) {
        Run r = report(dir.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines())
                .containsExactly("memtype-lab report: " + dir
                        + ": not a run or campaign directory (no result.json or campaign.json)");
        assertThat(dir.resolve("report.html")).doesNotExist();
    }

    @Test
    void anUnreadableResultIsBadInputOnOneLine(@TempDir Path dir) {
        write(dir.resolve("result.json"), "{\n  \"scenario\": \"x\",\n  oops\n}");

        Run r = report(dir.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("memtype-lab report: " + dir + ": ");
    }
}
