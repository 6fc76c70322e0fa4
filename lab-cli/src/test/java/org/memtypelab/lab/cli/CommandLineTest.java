package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/** The top command: its help, shell completion, and how it reports a command line it cannot read. */
class CommandLineTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String normalized(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    /** Each visible subcommand's text for the command list: its header if it has one, else its description. */
    static Map<String, String> subcommandTexts() {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        cl.getSubcommands().forEach((name, sub) -> {
            UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            if (!usage.hidden()) {
                String[] text = usage.header().length > 0 ? usage.header() : usage.description();
                texts.put(name, normalized(String.join(" ", text).replace("%n", " ")));
            }
        });
        return texts;
    }

    // --- help ---

    @ParameterizedTest(name = "memtype-lab {0}")
    @ValueSource(strings = {"--help", "", "help"})
    void topLevelHelpShowsEverySubcommandsWholeDescription(String arg) {
        Run r = arg.isEmpty() ? run() : run(arg);

        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        String help = normalized(r.out());
        Map<String, String> texts = subcommandTexts();
        assertThat(texts).containsKeys("run", "campaign", "explain", "catalogue", "completion", "help");
        texts.forEach((name, text) -> assertThat(help).as(name).contains(name + " " + text));
        // explain's three forms, not just its first line
        assertThat(help).contains("explain [--cpu ...] [--kvm ...] [...] (a guest access under KVM; the default form)");
    }

    @Test
    void topLevelHelpWrapsAtTheUsageWidthWithoutBreakingWords() {
        Run r = run("--help");

        assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
        // picocli's own list broke "campaign.json" after the dot
        assertThat(r.out()).contains("campaign.json").doesNotContain("campaign.\n");
    }

    @Test
    void wrapKeepsTheSpacingOfAnExampleAndBreaksOnlyAtSpaces() {
        assertThat(Main.wrap("explain --mtrr TYPE      (bare)", 40, 38))
                .containsExactly("explain --mtrr TYPE      (bare)");
        assertThat(Main.wrap("aaaaaa bbbbbb cccccc dddddd", 14, 12))
                .containsExactly("aaaaaa bbbbbb", "cccccc", "dddddd");
        assertThat(Main.wrap("x campaign.json: y", 10, 10)).containsExactly("x", "campaign.json:", "y");
    }

    // --- completion ---

    @Test
    void completionPrintsABashScriptForEverySubcommand() {
        Run r = run(Main.COMPLETION);

        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("complete -F").contains("memtype-lab");
        for (String sub : List.of("run", "campaign", "replay", "report", "explain", "catalogue", "node", "help")) {
            assertThat(r.out()).as(sub).containsPattern("\\b" + sub + "\\b");
        }
        // enum values complete as the help spells them
        assertThat(r.out()).contains("embedded", "processes").doesNotContain("EMBEDDED", "PROCESSES");
        assertThat(r.out()).contains("intel", "amd").doesNotContain("INTEL");
    }

    // --- errors ---

    @Test
    void aMistakeAtTheTopNamesTheProgramOnceAndWhereToLook() {
        Run r = run("bogus");

        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err())
                .startsWith("memtype-lab: unknown command 'bogus'")
                .doesNotContain("memtype-lab memtype-lab")
                .contains("see `memtype-lab --help`");
    }

    @Test
    void aMistypedCommandGetsADidYouMean() {
        Run r = run("rnu", "thread/option-0-status-quo");

        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).startsWith("memtype-lab: unknown command").contains("did you mean run?");
    }

    @Test
    void aMistakeInASubcommandNamesTheSubcommandAndItsHelp() {
        Run missing = run("run");
        Run unknown = run("run", "x", "--frobnicate");

        assertThat(missing.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(missing.err())
                .startsWith("memtype-lab run: ")
                .contains("SCENARIO")
                .contains("see `memtype-lab run --help`");
        assertThat(unknown.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unknown.err().lines()).hasSize(1);
        assertThat(unknown.err())
                .startsWith("memtype-lab run: unknown option '--frobnicate'")
                .contains("see `memtype-lab run --help`");
    }

    @Test
    void aBadNumberIsPlainWords() {
        Run r = run("run", "x", "--seed", "abc");

        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo("memtype-lab run: --seed: 'abc' is not a whole number");
    }

    // --- enums ---

    @Test
    void aBadEnumValueListsTheLowercaseValues() {
        Run r = run("run", "thread/option-0-status-quo", "--nodes", "bogus");

        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip())
                .isEqualTo("memtype-lab run: --nodes: 'bogus' is not one of embedded, processes, sim");
    }

    @Test
    void enumValuesAreReadInAnyCase() {
        for (String given : List.of("processes", "PROCESSES", "Processes")) {
            CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
            CommandLine.ParseResult parsed = cl.parseArgs("run", "x", "--nodes", given);
            RunCommand command = (RunCommand) parsed.subcommand().commandSpec().userObject();
            assertThat(command.nodes).as(given).isEqualTo(RunCommand.Nodes.PROCESSES);
        }
    }

    @Test
    void rebuildingEnumOptionsKeepsAnUnsortedCommandsOptionOrder() {
        Run r = run("explain", "--help");

        // where each option's own line starts, below the synopsis (which picocli sorts)
        List<Integer> order = Arrays.stream(new String[] {"--mtrr", "--pat", "--ept", "--cpu", "--kvm", "--backing"})
                .map(o -> {
                    java.util.regex.Matcher m =
                            java.util.regex.Pattern.compile("\n +" + o + "=").matcher(r.out());
                    return m.find() ? m.start() : -1;
                })
                .toList();
        assertThat(order).doesNotContain(-1).isSorted();
    }
}
