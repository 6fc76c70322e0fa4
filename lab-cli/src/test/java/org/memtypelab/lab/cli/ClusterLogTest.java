package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pekko's own log lines go to the run's cluster.log, not to the user's console. */
class ClusterLogTest {

    @Test
    void aRunWithAKilledMonitorKeepsTheConsoleQuietAndLogsTheClusterInItsFolder(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out), new PrintWriter(err))
                .execute("run", "faults/monitor-restart", "--out", dir.toString());

        assertThat(code).as("exit code; stderr: %s", err).isZero();
        Path log = dir.resolve(ClusterLog.FILE);
        assertThat(log).exists();
        // the monitor's node was killed: the others' failure detectors said so, into the file
        assertThat(Files.readString(log)).contains("UNREACHABLE");
        ch.qos.logback.classic.Logger pekko =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.pekko");
        assertThat(pekko.isAdditive())
                .as("Pekko's lines do not also reach the console appender")
                .isFalse();
        assertThat(out.toString()).doesNotContain("WARN").contains("verdict   hazard");
    }
}
