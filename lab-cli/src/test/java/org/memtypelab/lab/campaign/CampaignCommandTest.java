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

/** The {@code campaign} command's input handling; nothing here forms a cluster. */
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
