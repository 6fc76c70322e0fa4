package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.memtypelab.runtime.cluster.TimeFactor;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
            NodeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Exit code for bad input (SCENARIOS.md exit codes). */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with our error handling: one line per user mistake, exit 2, no stack trace. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            String name = ex.getCommandLine().getCommandName();
            ex.getCommandLine().getErr().println("memtype-lab " + name + ": " + ex.getMessage());
            ex.getCommandLine().getErr().flush();
            return EXIT_BAD_INPUT;
        });
        return cl;
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
