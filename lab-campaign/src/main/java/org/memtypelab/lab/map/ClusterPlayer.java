package org.memtypelab.lab.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
import org.memtypelab.lab.scenario.Scenario;

/**
 * Plays scenarios on a warm {@link LabCluster} (embedded, processes, or any other kind) exactly as {@code run} does:
 * the conductor plays the steps, {@link RunPipeline} checks the monitor against the traces and writes result.json. Each
 * run's directory is temporary and deleted once its result is read.
 */
public final class ClusterPlayer implements Player {

    private final LabCluster cluster;
    private final Conductor conductor;

    public ClusterPlayer(LabCluster cluster) {
        this.cluster = cluster;
        this.conductor = new Conductor(cluster);
    }

    @Override
    public RunResult play(Scenario s) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("memtype-lab-map");
            RunOutcome run;
            try {
                run = conductor.run(s, s.seed(), dir, s.name() + "@" + s.seed());
            } catch (RuntimeException e) {
                run = RunOutcome.failedToStart("the conductor failed: " + e);
            }
            return RunPipeline.finish(s, s.seed(), cluster.mode(), run, dir, RunPipeline.Expect.IGNORE, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for a map run", e);
        } finally {
            if (dir != null) {
                try {
                    RunFiles.deleteTree(dir);
                } catch (UncheckedIOException e) {
                    // a leftover temporary directory is not worth failing the map for
                }
            }
        }
    }
}
