package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} of recorded runs and campaign runs, each on a real embedded cluster. */
class ReplayCommandTest {

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aRecordedRunReplaysIdenticallyAndLeavesNoTemporaryDirectory(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertThat(cli("run", "faults/late-reply", "--out", dir.toString()).code())
                .isZero();
        List<Path> before = replayDirs();

        Run r = cli("replay", dir.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("identical (faults/late-reply, seed 1)");
        assertThat(replayDirs()).isEqualTo(before);
    }

    @Test
    void campaignRunsWithKillsAndPartitionsReplayWithTheirOwnFaultPlan(@TempDir Path tmp) throws Exception {
        Path spec = Files.writeString(tmp.resolve("k.yaml"), """
                name: k
                base: kernel/6-11-rc-self-snoop
                matrix:
                  platform.self-snoop: [false]
                seed: 3
                faults: {random: {kills: 1, partitions: 1}, runs-per-cell: 1}
                """);
        Path camp = tmp.resolve("camp");
        assertThat(cli("campaign", spec.toString(), "--out", camp.toString(), "--parallel", "1")
                        .code())
                .isZero();

        for (String run : List.of("oracle", "r1")) {
            Path dir = camp.resolve("runs/1-false/" + run);
            Run r = cli(
                    "replay",
                    dir.toString(),
                    "--out",
                    tmp.resolve("again-" + run).toString());

            assertThat(r.code()).as(run + ": " + r.out() + r.err()).isZero();
            if (run.equals("oracle")) {
                assertThat(r.out()).startsWith("identical (k/cell-1, seed ");
            } else {
                assertThat(r.out()).containsAnyOf("identical (k/cell-1", "same outcome (verdict ");
                // the replay played the recorded plan, not the scenario's own (it has none)
                assertThat(Files.readString(tmp.resolve("again-" + run + "/result.json")))
                        .contains("\"kill\"");
            }
        }
    }

    @Test
    void aHistoryThatDoesNotReplayIsShownWithBothLines(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertThat(cli("run", "kernel/6-11-rc-self-snoop", "--out", dir.toString())
                        .code())
                .isZero();
        Path history = dir.resolve("history.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(history));
        lines.set(5, lines.get(5).replace("\"lamport\":", "\"lamport\":1000"));
        Files.write(history, lines);

        Run r = cli("replay", dir.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
                .startsWith("differs at history line 6")
                .contains("recorded: ")
                .contains("replayed: ");
    }

    @Test
    void aDirectoryThatIsNotARunIsBadInput(@TempDir Path tmp) {
        Run r = cli("replay", tmp.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("not a run directory (missing scenario.yaml)")
                .doesNotContain("Exception");
    }

    private static List<Path> replayDirs() throws Exception {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("memtype-lab-replay"))
                    .sorted()
                    .toList();
        }
    }
}
