package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.memtypelab.lab.scenario.DidYouMean;
import org.memtypelab.runtime.cluster.TimeFactor;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code memtype-lab} command line. */
@Command(
        name = "memtype-lab",
        mixinStandardHelpOptions = true,
        version = "memtype-lab 0.1.0",
        description = "Reason about and test how CPU memory types of shared GPU memory are decided across KVM, QEMU,"
                + " the GPU process and live migration.",
        subcommands = {
            RunCommand.class,
            CampaignCommand.class,
            ReplayCommand.class,
            ReportCommand.class,
            ExplainCommand.class,
            CatalogueCommand.class,
            MapCommand.class,
            ExploreCommand.class,
            BenchCommand.class,
            NodeCommand.class,
            KeygenCommand.class
        })
public final class Main implements Runnable {

    /** Exit code for bad input (SCENARIOS.md exit codes). */
    public static final int EXIT_BAD_INPUT = 2;

    /**
     * Turns on mutual TLS for every ActorSystem this JVM (and its node JVMs) will start, with the keys in {@code dir};
     * empty, or why {@code dir} cannot be used (exit 2).
     */
    static java.util.Optional<String> useTls(java.nio.file.Path dir) {
        if (dir == null) {
            return java.util.Optional.empty();
        }
        java.util.Optional<String> problem = org.memtypelab.runtime.cluster.Tls.problem(dir);
        if (problem.isEmpty()) {
            System.setProperty(
                    org.memtypelab.runtime.cluster.Tls.PROPERTY,
                    dir.toAbsolutePath().toString());
        }
        return problem;
    }

    /** The subcommand that prints the shell completion script. */
    static final String COMPLETION = "completion";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with our error handling: one line per user mistake, exit 2, no stack trace. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
        completion
                .getCommandSpec()
                .usageMessage()
                .hidden(false)
                .description(
                        "Print a bash/zsh completion script for memtype-lab: `source <(memtype-lab completion)`, or"
                                + " save it (`memtype-lab completion > FILE`) and source FILE from your shell's rc"
                                + " file.");
        cl.addSubcommand(COMPLETION, completion);
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // the widest the terminal allows (80 without one); the command list wraps instead of cutting
        cl.setUsageHelpAutoWidth(true);
        cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
        lowercaseEnums(cl);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter to = ex.getCommandLine().getErr();
            to.println(errorLine(ex));
            to.flush();
            return EXIT_BAD_INPUT;
        });
        return cl;
    }

    /**
     * The top-level command list: each subcommand with its whole description (its header, if it has one, as in
     * picocli's list), wrapped at word boundaries to the usage width; picocli's own list shows only the first line of
     * a description and may break inside a word.
     */
    static String commandList(CommandLine.Help help) {
        List<Map.Entry<String, CommandLine.Help>> shown = help.subcommands().entrySet().stream()
                .filter(e -> !e.getValue().commandSpec().usageMessage().hidden())
                .toList();
        if (shown.isEmpty()) {
            return "";
        }
        int nameWidth = shown.stream().mapToInt(e -> e.getKey().length()).max().orElse(0);
        int column = 2 + nameWidth + 2;
        int room = Math.max(30, help.commandSpec().usageMessage().width() - column);
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, CommandLine.Help> e : shown) {
            b.append("  ")
                    .append(e.getKey())
                    .append(" ".repeat(nameWidth - e.getKey().length() + 2));
            UsageMessageSpec usage = e.getValue().commandSpec().usageMessage();
            String[] text = usage.header().length > 0 ? usage.header() : usage.description();
            List<String> lines = Arrays.stream(text)
                    .map(t -> t.replace("%n", "\n").replace("%%", "%"))
                    .flatMap(String::lines)
                    .dropWhile(String::isBlank)
                    .toList();
            boolean first = true;
            for (String line : lines.isEmpty() ? List.of("") : lines) {
                int lead = line.length() - line.stripLeading().length();
                String body = line.strip();
                if (body.length() > room - lead) {
                    body = body.replaceAll(" {2,}", " "); // an example's aligned columns do not fit: wrap it as text
                }
                List<String> wrapped = wrap(body, room - lead, room - lead - 2);
                for (int i = 0; i < wrapped.size(); i++) {
                    if (!first) {
                        b.append(" ".repeat(column));
                    }
                    b.append(" ".repeat(i == 0 ? lead : lead + 2))
                            .append(wrapped.get(i))
                            .append(System.lineSeparator());
                    first = false;
                }
            }
        }
        return b.toString();
    }

    /**
     * {@code text} in lines of at most {@code width} characters ({@code next} after the first), broken at spaces; the
     * spacing inside a line is kept (the aligned columns of an example).
     */
    static List<String> wrap(String text, int width, int next) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int limit = Math.max(10, width);
        for (String word : text.split("(?<= )(?=\\S)")) {
            if (line.length() > 0 && line.length() + word.strip().length() > limit) {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                limit = Math.max(10, next);
            }
            line.append(word);
        }
        lines.add(line.toString().stripTrailing());
        return lines;
    }

    /**
     * One line for a command-line mistake: {@code memtype-lab: ...} for the top command, {@code memtype-lab run: ...}
     * for a subcommand, in plain words; where the mistake is in the command's shape rather than a value (whose
     * message lists what is allowed), where to read how the command is used.
     */
    static String errorLine(ParameterException ex) {
        CommandLine where = ex.getCommandLine();
        String command = where.getCommandSpec().qualifiedName();
        String what;
        if (ex instanceof UnmatchedArgumentException u) {
            what = unmatched(u, where.getCommandSpec());
        } else if (ex.getArgSpec() != null && ex.getCause() instanceof TypeConversionException t) {
            what = argName(ex.getArgSpec()) + ": " + plainConversion(t.getMessage());
        } else if (ex.getArgSpec() != null && ex.getCause() != null) {
            what = argName(ex.getArgSpec()) + ": cannot use '" + ex.getValue() + "'";
        } else {
            what = ex.getMessage();
        }
        boolean shape = ex.getClass() != ParameterException.class;
        return command + ": " + what + (shape ? "; see `" + command + " --help`" : "");
    }

    private static String unmatched(UnmatchedArgumentException u, CommandSpec spec) {
        List<String> args = u.getUnmatched();
        String quoted = args.stream().map(a -> "'" + a + "'").collect(Collectors.joining(", "));
        String plural = args.size() == 1 ? "" : "s";
        String what;
        if (u.isUnknownOption()) {
            what = "unknown option" + plural + " " + quoted;
        } else if (!spec.subcommands().isEmpty()) {
            args = args.subList(0, 1); // what follows belongs to the command that was meant
            what = "unknown command '" + args.get(0) + "'";
        } else {
            what = "unexpected argument" + plural + " " + quoted;
        }
        List<String> names = u.isUnknownOption()
                ? List.copyOf(spec.optionsMap().keySet())
                : List.copyOf(spec.subcommands().keySet());
        List<String> like = args.size() == 1 ? DidYouMean.among(args.get(0), names) : List.of();
        return like.isEmpty() ? what : what + " (did you mean " + String.join(" or ", like) + "?)";
    }

    private static String argName(ArgSpec arg) {
        return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
    }

    /** picocli's built-in number converters say "is not a long"; users read "a whole number". */
    private static String plainConversion(String message) {
        return message.replaceFirst("is not an? (int|long|short|byte)$", "is not a whole number")
                .replaceFirst("is not an? (float|double)$", "is not a number");
    }

    /**
     * Enum-typed options and parameters read and show the values in lower case, as the help and the documents write
     * them ({@code --nodes embedded|processes}): a converter whose error lists them, unless the option has its own, and
     * lower-case completion candidates. picocli's specs are immutable, so such an option is rebuilt; the options after
     * it are re-added too, to keep the order of a command that does not sort its options.
     */
    static void lowercaseEnums(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        List<OptionSpec> options = List.copyOf(spec.options());
        int first = indexOfEnum(options);
        if (first >= 0) {
            List<OptionSpec> tail = options.subList(first, options.size());
            tail.forEach(spec::remove);
            for (OptionSpec o : tail) {
                spec.addOption(isEnum(o) ? lowercase(o) : o);
            }
        }
        List<PositionalParamSpec> positionals = List.copyOf(spec.positionalParameters());
        first = indexOfEnum(positionals);
        if (first >= 0) {
            List<PositionalParamSpec> tail = positionals.subList(first, positionals.size());
            tail.forEach(spec::remove);
            for (PositionalParamSpec p : tail) {
                spec.addPositional(isEnum(p) ? lowercase(p) : p);
            }
        }
        cl.getSubcommands().values().forEach(Main::lowercaseEnums);
    }

    private static int indexOfEnum(List<? extends ArgSpec> args) {
        for (int i = 0; i < args.size(); i++) {
            if (isEnum(args.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isEnum(ArgSpec arg) {
        return arg.type().isEnum();
    }

    private static OptionSpec lowercase(OptionSpec o) {
        OptionSpec.Builder b = o.toBuilder().completionCandidates(labels(o));
        return (o.converters().length == 0 ? b.converters(new MemTypeConverters.EnumLabels(o.type())) : b).build();
    }

    private static PositionalParamSpec lowercase(PositionalParamSpec p) {
        PositionalParamSpec.Builder b = p.toBuilder().completionCandidates(labels(p));
        return (p.converters().length == 0 ? b.converters(new MemTypeConverters.EnumLabels(p.type())) : b).build();
    }

    private static List<String> labels(ArgSpec arg) {
        return Arrays.asList(MemTypeConverters.EnumLabels.labels(arg.type()));
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        Optional<String> factor = TimeFactor.problem();
        if (factor.isPresent()) {
            err.println("memtype-lab: " + factor.get());
            System.exit(EXIT_BAD_INPUT);
        }
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
