package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --network} and {@code campaign --network}: what cannot play is exit 2 in plain words, before anything starts. */
class NetworkOptionTest {

    @TempDir
    Path tmp;

    private record Ran(int code, String err) {}

    private Ran run(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute(args);
        return new Ran(code, err.toString());
    }

    @Test
    void anIsolatedNetworkNeedsOneJvmPerNode() {
        Path out = tmp.resolve("out");
        Ran r = run("run", "thread/option-0-status-quo", "--network", "isolated", "--out", out.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("--network isolated needs --nodes processes")
                .doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void aOneWayPartitionWithoutThePrivateNetworkIsRefused() throws Exception {
        Path file = tmp.resolve("one-way.yaml");
        Files.writeString(file, """
                name: one-way
                steps:
                  - allocate: {buffer: b0, size: 2MiB, placement: gtt-uswc}
                faults:
                  - {at: allocate, partition: {one-way: {from: kvm-node, to: monitor}}}
                """);
        Path out = tmp.resolve("out");

        Ran r = run("run", file.toString(), "--out", out.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("a one-way partition (step 1) cuts single directions or links")
                .contains("--network isolated");
        assertThat(out).doesNotExist();
    }

    @Test
    void anUnknownNetworkNamesTheAllowedOnes() {
        Ran r = run("run", "thread/option-0-status-quo", "--network", "wifi");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("wifi").containsIgnoringCase("isolated");
    }

    /** A one-cell campaign with random partitions; {@code nodes} is the spec's, or none. */
    private Path spec(String nodes) throws Exception {
        Path file = tmp.resolve("partitions.yaml");
        Files.writeString(file, """
                name: partitions
                base: thread/option-0-status-quo
                %s
                faults: {random: {partitions: 1}, runs-per-cell: 2}
                """.formatted(nodes == null ? "" : "nodes: " + nodes));
        return file;
    }

    @Test
    void anIsolatedCampaignNeedsOneJvmPerNode() throws Exception {
        Path out = tmp.resolve("out");
        Ran embedded = run("campaign", spec(null).toString(), "--network", "isolated", "--out", out.toString());
        Ran sim = run(
                "campaign", spec(null).toString(), "--nodes", "sim", "--network", "isolated", "--out", out.toString());

        for (Ran r : new Ran[] {embedded, sim}) {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err())
                    .contains("memtype-lab campaign: --network isolated needs --nodes processes")
                    .doesNotContain("Exception");
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void anIsolatedCampaignPlaysOnOneWorker() throws Exception {
        Path out = tmp.resolve("out");
        Ran flag = run(
                "campaign",
                spec(null).toString(),
                "--nodes",
                "processes",
                "--network",
                "isolated",
                "--parallel",
                "2",
                "--out",
                out.toString());
        // the spec's nodes: processes counts as --nodes processes
        Ran inSpec = run(
                "campaign",
                spec("processes").toString(),
                "--network",
                "isolated",
                "--parallel",
                "3",
                "--out",
                out.toString());

        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err())
                .contains("--network isolated plays on one worker")
                .contains("--parallel 2 cannot go with it")
                .doesNotContain("Exception");
        assertThat(inSpec.code()).isEqualTo(2);
        assertThat(inSpec.err()).contains("--parallel 3 cannot go with it");
        assertThat(out).doesNotExist();
    }
}
