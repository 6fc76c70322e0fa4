package org.memtypelab.lab.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.lab.run.LabCluster;

/**
 * A test class's cluster and run directory, kept in the class's extension store: JUnit closes it after the class's
 * last test. The run directory goes with it unless a test failed or the runs are to be kept.
 */
@SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes; later ones close AutoCloseable
final class ClassLab implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private final LabCluster cluster;
    private final LabRunner runner;
    private final Path runs;
    private final boolean keepRuns;
    private volatile boolean failed;
    private boolean closed;

    private ClassLab(LabCluster cluster, Path runs, boolean keepRuns) {
        this.cluster = cluster;
        this.runner = new LabRunner(cluster, runs);
        this.runs = runs;
        this.keepRuns = keepRuns;
    }

    /** Forms the cluster of {@code testClass}; its runs go to a new temporary directory named after the class. */
    static ClassLab form(Class<?> testClass, Nodes nodes, boolean keepRuns) {
        Path runs;
        try {
            runs = Files.createTempDirectory("memtype-lab-" + testClass.getSimpleName() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory for " + testClass.getName(), e);
        }
        try {
            LabCluster cluster = switch (nodes) {
                case EMBEDDED -> LabCluster.embedded();
                case PROCESSES -> LabCluster.processes(runs.resolve("nodes"));
                case SIM -> LabCluster.sim();
            };
            return new ClassLab(cluster, runs, keepRuns);
        } catch (RuntimeException | Error e) {
            delete(runs);
            throw e;
        }
    }

    LabRunner runner() {
        return runner;
    }

    /** A test of the class failed: keep its runs for a look at their files. */
    void failed() {
        failed = true;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.close();
        } finally {
            if (!failed && !keepRuns) {
                delete(runs);
            }
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            RunFiles.deleteTree(dir);
        } catch (UncheckedIOException e) {
            // a temporary directory left behind is not worth failing a green test class for
        }
    }
}
