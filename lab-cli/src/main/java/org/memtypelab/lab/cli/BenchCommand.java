package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.memtypelab.lab.bench.Bench;
import org.memtypelab.lab.bench.BenchReport;
import org.memtypelab.lab.bench.BenchSettings;
import org.memtypelab.lab.cluster.ClusterFormationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: each figure of issue 9 section 4 next to a baseline measured in the same run (docs/bench.md). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure the lab on this machine, each figure next to a baseline measured in the same run: sim"
                + " vs embedded runs/min, cold embedded and process clusters vs bare Pekko formation, node -> monitor"
                + " events vs raw Artery, and (JMH) the monitor's ledger, 32,764 memslots and a 4 GiB dirty log"
                + " against bare JDK collections. Prints a table and writes bench.json. Exit 0: measured; 3: a"
                + " cluster did not form.")
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--quick",
            description = "Under a minute on 2 cores: short windows, JMH in this JVM, no process-mode row.")
    boolean quick;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where bench.json, jmh.log and cluster.log go (default runs/<timestamp>-bench; created if"
                    + " missing).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path dir = out != null ? out : defaultDir();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            err.println("memtype-lab bench: --out " + dir + " is a file; give a directory (it is created if missing)");
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        Files.createDirectories(dir);
        ClusterLog.into(dir);
        long start = System.nanoTime();
        BenchSettings settings = quick ? BenchSettings.quick() : BenchSettings.full();
        BenchReport report;
        try {
            report = new Bench(settings, dir, what -> {
                        long s = (System.nanoTime() - start) / 1_000_000_000L;
                        err.println("memtype-lab bench: " + what + " (" + s + " s)");
                        err.flush();
                    })
                    .run();
        } catch (ClusterFormationException e) {
            err.println("memtype-lab bench: a cluster did not form: " + e.getMessage());
            err.flush();
            return RunCommand.INCOMPLETE;
        }
        Path json = report.write(dir);
        PrintWriter o = spec.commandLine().getOut();
        o.print(report.table());
        o.println("files  " + json + ", " + dir.resolve("jmh.log") + ", " + dir.resolve(ClusterLog.FILE));
        o.flush();
        return 0;
    }

    private static Path defaultDir() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", stamp + "-bench");
    }
}
