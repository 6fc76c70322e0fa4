package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.lab.cli.Main;

/** {@code pause} in embedded mode really freezes the node: the conductor has to send the step again. */
class PauseFaultTest {

    @Test
    void aPausedKvmNodeMakesTheConductorRetryAndWritesOnce(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("run", "faults/kvm-pause", "--out", dir.toString());

        assertThat(code).as(err.toString()).isZero();
        List<String> history = Files.readAllLines(dir.resolve("history.jsonl"));
        assertThat(history)
                .anyMatch(l -> l.contains("\"node\":\"conductor\"") && l.contains("kvm-node paused for 2500 ms"));
        // the frozen node got the write twice (the conductor's 2 s attempt ran out) and acted once
        assertThat(history).anyMatch(l -> l.contains("\"kind\":\"duplicate\"") && l.contains("\"node\":\"kvm-node\""));
        assertThat(history.stream()
                        .filter(l ->
                                l.contains("\"node\":\"kvm-node\"") && l.contains("\"detail\":\"guest write of b0")))
                .hasSize(1);
    }
}
