package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.memtypelab.lab.cluster.ClusterFormationException;
import org.memtypelab.lab.cluster.Waits;
import org.memtypelab.lab.map.ClusterPlayer;
import org.memtypelab.lab.map.DesignSpace;
import org.memtypelab.lab.map.DesignSpaceMap;
import org.memtypelab.lab.map.MapFiles;
import org.memtypelab.lab.map.MapJson;
import org.memtypelab.lab.run.LabCluster;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code map}: plays every design option x kernel era x CPU x driver placement x migration policy on one warm cluster
 * and writes design-space.md, .json and .html (issue 9, section 3; docs/map.md).
 */
@Command(
        name = "map",
        mixinStandardHelpOptions = true,
        description = "Play every design option of the 2020 thread (each kernel suffix, the status quo, the quirk"
                + " opt-out) on every kernel era, CPU, driver placement and migration policy, and write"
                + " design-space.md, design-space.json and design-space.html: which design is coherent where, and"
                + " the DOMAIN rule that decides. Exit 0: every run completed; 1: a run did not complete or the"
                + " monitor disagreed with its traces; 3: no cluster formed.")
final class MapCommand implements Callable<Integer> {

    /** How often (in combinations) stderr says how far the map is. */
    static final int PROGRESS_EVERY = 100;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--nodes",
            paramLabel = "embedded|processes|sim",
            description = "Where the combinations play (default sim: the same node actors in virtual time; embedded or"
                    + " processes cross-check the map on a real cluster).")
    RunCommand.Nodes nodes = RunCommand.Nodes.SIM;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the three files go (default runs/<timestamp>-design-space; created if missing).")
    Path out;

    @Option(names = "--json", description = "Print design-space.json on stdout instead of the summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path dir = out != null ? out : defaultDir();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            err.println("memtype-lab map: --out " + dir + " is a file; give a directory (it is created if missing)");
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        Files.createDirectories(dir);
        ClusterLog.into(dir);
        int total = DesignSpace.combinations().size();
        err.println("memtype-lab map: " + total + " combinations to play (--nodes "
                + nodes.name().toLowerCase(java.util.Locale.ROOT) + ")");
        err.flush();
        long start = System.nanoTime();
        Waits waits = new Waits();
        DesignSpaceMap map;
        try (WaitNotes notes = WaitNotes.watch(waits, err);
                LabCluster cluster = switch (nodes) {
                    case EMBEDDED -> LabCluster.embedded(waits);
                    case PROCESSES -> LabCluster.processes(dir.resolve("nodes"), waits);
                    case SIM -> LabCluster.sim();
                }) {
            map = DesignSpace.generate(new ClusterPlayer(cluster), (done, all, entry) -> {
                if (done % PROGRESS_EVERY == 0 || done == all) {
                    long s = (System.nanoTime() - start) / 1_000_000_000L;
                    err.println("memtype-lab map: " + done + " of " + all + " (" + s + " s)");
                    err.flush();
                }
            });
        } catch (ClusterFormationException e) {
            err.println("memtype-lab map: the cluster did not form: " + e.getMessage());
            err.flush();
            return RunCommand.INCOMPLETE;
        }
        List<Path> files = MapFiles.write(dir, map);
        PrintWriter o = spec.commandLine().getOut();
        o.print(json ? MapJson.render(map) : summary(map, files));
        o.flush();
        return map.unsound().isEmpty() ? 0 : RunCommand.EXPECT_FAILED;
    }

    /** Per design: where it is coherent; then the files. */
    static String summary(DesignSpaceMap map, List<Path> files) {
        StringBuilder b = new StringBuilder();
        b.append("design-space map: ")
                .append(map.entries().size())
                .append(" combinations, ")
                .append(map.played())
                .append(" played\n");
        int width =
                map.tallies().stream().mapToInt(t -> t.design().length()).max().orElse(0);
        for (DesignSpaceMap.Tally t : map.tallies()) {
            b.append(String.format(
                    "  %-" + width + "s  coherent on %d of %d played%s%n",
                    t.design(),
                    t.coherent(),
                    t.played(),
                    t.coherentEverywhere() ? " (everywhere)" : ""));
        }
        if (!map.unsound().isEmpty()) {
            b.append("the monitor disagreed with the traces (or a run did not complete) in ")
                    .append(map.unsound().size())
                    .append(" runs; see design-space.md\n");
        }
        b.append("files  ");
        b.append(String.join(", ", files.stream().map(Path::toString).toList()));
        b.append('\n');
        return b.toString();
    }

    private static Path defaultDir() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", stamp + "-design-space");
    }
}
