package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.memtypelab.documents.CampaignFiles;
import org.memtypelab.documents.CampaignSummary;
import org.memtypelab.lab.campaign.Campaign;
import org.memtypelab.lab.campaign.CampaignLoad;
import org.memtypelab.lab.campaign.CampaignLoader;
import org.memtypelab.lab.campaign.CampaignResult;
import org.memtypelab.lab.campaign.CampaignRunner;
import org.memtypelab.lab.campaign.CampaignTable;
import org.memtypelab.lab.campaign.ConsoleProgress;
import org.memtypelab.lab.campaign.Progress;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.lab.network.Isolation;
import org.memtypelab.lab.run.IsolatedCluster;
import org.memtypelab.lab.run.LabCluster;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code campaign}: runs a matrix of scenario variants, each cell once fault-free (its oracle) and then under random
 * faults, on warm clusters (embedded, one JVM per node - on a private network with {@code --network isolated} - or
 * simulated), and compares every run's hazards with its oracle's (SCENARIOS.md).
 */
@Command(
        name = "campaign",
        mixinStandardHelpOptions = true,
        description = "Run a campaign spec (a file, or a bundled name) and write campaign.json: per cell, verdict"
                + " counts, hazards missed or falsely reported against the fault-free oracle run, exit-3 runs, run times."
                + " Exit 0: nothing missed or false; 1: something was; 2: bad spec; 3: no cluster formed.")
final class CampaignCommand implements Callable<Integer> {

    /** How long Ctrl-C waits for the finished runs to be written. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /** ... and then for the summary to be printed. */
    static final Duration PRINT_GRACE = Duration.ofSeconds(5);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SPEC",
            description =
                    "A campaign spec file, or a bundled campaign name (with --resume: the one it was started with).")
    String specFile;

    @Option(
            names = "--resume",
            paramLabel = "DIR",
            description = "Continue the interrupted campaign in DIR: keep its finished runs, play the rest.")
    Path resume;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the cells as JUnit XML to FILE.")
    Path junit;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Campaign directory (default runs/<timestamp>-campaign-<name>).")
    Path out;

    @Option(
            names = "--parallel",
            paramLabel = "N",
            description = "Workers, each with its own warm cluster (default: the machine's cores; 1 with --network"
                    + " isolated, which plays on one private network).")
    Integer parallel;

    @Option(
            names = "--nodes",
            paramLabel = "embedded|processes|sim",
            description = "Where the runs play (default: the spec's `nodes`, else embedded); sim plays the same node"
                    + " actors in virtual time, thousands of runs a minute.")
    RunCommand.Nodes nodes;

    @Option(
            names = "--network",
            paramLabel = "shared|isolated",
            description = "With --nodes processes: isolated plays the whole campaign in a private network namespace"
                    + " (root or user namespaces, nftables), each node on its own 127.0.0.N, random partitions as"
                    + " real drop rules; one worker (default: shared).")
    RunCommand.Network network = RunCommand.Network.SHARED;

    @Option(
            names = "--tls",
            paramLabel = "DIR",
            description = "Mutual TLS between the nodes with the keys `keygen DIR` made (default: plain TCP).")
    Path tls;

    /** Forms each worker's cluster where {@code --nodes}, else the spec, says the runs play. */
    private Supplier<LabCluster> clusters(Campaign campaign, Path dir) {
        String where = nodes != null
                ? nodes.name().toLowerCase(Locale.ROOT)
                : campaign.spec().nodes();
        AtomicInteger formed = new AtomicInteger();
        if (network == RunCommand.Network.ISOLATED) {
            // one at a time: CampaignRunner closes a broken cluster before it forms the next
            return () -> IsolatedCluster.start(dir.resolve("nodes-" + formed.incrementAndGet()), new Waits());
        }
        return switch (where) {
            case "sim" -> LabCluster::sim;
            case "processes" -> () -> LabCluster.processes(dir.resolve("nodes-" + formed.incrementAndGet()));
            default -> LabCluster::embedded;
        };
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        int cores = Runtime.getRuntime().availableProcessors();
        boolean isolated = network == RunCommand.Network.ISOLATED;
        int workers = parallel != null ? parallel : isolated ? 1 : cores;
        if (workers < 1) {
            err.println("memtype-lab campaign: --parallel must be at least 1, got " + workers);
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        java.util.Optional<String> tlsProblem = Main.useTls(tls);
        if (tlsProblem.isPresent()) {
            return bad(err, tlsProblem.get());
        }
        if (resume != null && out != null) {
            return bad(err, "--resume DIR continues in DIR; --out cannot go with it");
        }
        if (resume == null && specFile == null) {
            return bad(err, "give a campaign spec (a file or a bundled name), or --resume DIR");
        }
        String source = specFile;
        if (resume != null) {
            if (!Files.isRegularFile(resume.resolve(CampaignFiles.FILE))) {
                return bad(
                        err,
                        "--resume " + resume + ": no " + CampaignFiles.FILE + " there, so no campaign to continue");
            }
            if (source == null) {
                try {
                    CampaignSummary started = CampaignFiles.read(resume);
                    source = started == null ? null : started.spec();
                } catch (java.io.UncheckedIOException e) {
                    source = null;
                }
                if (source == null) {
                    return bad(
                            err,
                            "--resume " + resume + ": its " + CampaignFiles.FILE
                                    + " does not say which spec it ran; name it: campaign SPEC --resume " + resume);
                }
            }
        }
        CampaignLoad loaded = CampaignLoader.load(source);
        if (loaded instanceof CampaignLoad.Invalid invalid) {
            err.println(invalid.error());
            if (resume != null && specFile == null) {
                err.println("memtype-lab campaign: the spec " + resume + " was started with is not found from here;"
                        + " name it: campaign SPEC --resume " + resume);
            }
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        Campaign campaign = ((CampaignLoad.Ready) loaded).campaign();
        if (isolated) {
            java.util.Optional<String> problem = isolationProblem(campaign, workers);
            if (problem.isPresent()) {
                err.println(problem.get());
                err.flush();
                return Main.EXIT_BAD_INPUT;
            }
        }
        if (resume != null) {
            String changed = CampaignRunner.differences(campaign, resume);
            if (!changed.isEmpty()) {
                return bad(err, "--resume " + resume + ": " + changed);
            }
        }
        if (isolated && !Isolation.inside()) {
            // the whole campaign, conductor included, plays again inside a namespace of its own
            return Isolation.relaunch(
                    Main.class, spec.commandLine().getParseResult().originalArgs());
        }
        Path dir = resume != null
                ? resume
                : out != null ? out : defaultDir(campaign.spec().name());
        Files.createDirectories(dir);
        ClusterLog.into(dir);
        int total = campaign.playable().size() * campaign.runsPerCell();
        if (parallel == null && !isolated) {
            err.println("memtype-lab campaign: " + workers + " worker" + (workers == 1 ? "" : "s")
                    + " (one per core; --parallel N to choose)");
            err.flush();
        }
        CountDownLatch printed = new CountDownLatch(1);
        CampaignResult result;
        try (Progress progress = ConsoleProgress.forConsole(campaign.spec().name(), total, System.err)) {
            CampaignRunner runner = new CampaignRunner(campaign, dir, workers, clusters(campaign, dir), progress);
            if (resume != null) {
                int done = runner.resume();
                err.println("memtype-lab campaign: resuming " + dir + ": " + done + " of " + total
                        + " runs were finished, " + (total - done) + " to play");
                err.flush();
            }
            Thread hook = new Thread(
                    () -> {
                        runner.stop();
                        try {
                            if (runner.awaitFinished(SHUTDOWN_GRACE)) {
                                printed.await(PRINT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "campaign-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            result = runner.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook is running and waits for us
            }
        }
        org.memtypelab.lab.report.HtmlReport.write(dir); // SCENARIOS.md: campaign.json and report.html
        PrintWriter o = spec.commandLine().getOut();
        o.print(CampaignTable.render(result, dir.toString()));
        o.flush();
        printed.countDown();
        if (junit != null) {
            JUnitXml.writeCampaign(junit, result, dir);
        }
        return result.exitCode();
    }

    /**
     * Why {@code --network isolated} cannot play {@code campaign} with {@code workers}, in plain words (exit 2): as for
     * {@code run}, and one worker only, since every isolated cluster has the same addresses and one nftables table.
     */
    private java.util.Optional<String> isolationProblem(Campaign campaign, int workers) {
        boolean processes = nodes != null
                ? nodes == RunCommand.Nodes.PROCESSES
                : campaign.spec().nodes().equals("processes");
        if (processes && workers > 1) {
            return java.util.Optional.of("memtype-lab campaign: --network isolated plays on one worker (every node of"
                    + " an isolated cluster has a fixed address, 127.0.0.2-7, and partitions are rules of one nftables"
                    + " table, so two clusters would cut each other); --parallel " + workers + " cannot go with it");
        }
        return RunCommand.isolationProblem("campaign", processes);
    }

    private static int bad(PrintWriter err, String why) {
        err.println("memtype-lab campaign: " + why);
        err.flush();
        return Main.EXIT_BAD_INPUT;
    }

    private static Path defaultDir(String name) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", stamp + "-campaign-" + name.replace('/', '-'));
    }
}
