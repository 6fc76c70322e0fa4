package org.memtypelab.lab.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.run.RunPipeline;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.ScenarioLoader;

/**
 * Plays scenarios on the cluster of a test class, as {@code memtype-lab run} does: each run gets its own directory
 * (scenario.yaml, traces, history.jsonl, result.json) under the class's run directory, the scenario's {@code expect}
 * is checked, and the monitor is judged against the traces. Runs on one cluster play one at a time. A scenario the
 * loader refuses throws {@link InvalidScenarioException} before anything runs.
 */
public final class LabRunner {

    private final LabCluster cluster;
    private final Conductor conductor;
    private final Path runs;
    private final AtomicInteger played = new AtomicInteger();

    LabRunner(LabCluster cluster, Path runs) {
        this.cluster = cluster;
        this.conductor = new Conductor(cluster);
        this.runs = runs;
    }

    /** Plays a bundled scenario ({@code thread/option-0-status-quo}, see {@code memtype-lab catalogue}) or a file. */
    public LabResult run(String nameOrFile) {
        ScenarioCatalogue catalogue = ScenarioCatalogue.bundled();
        LoadResult loaded = catalogue.resolve(nameOrFile);
        String text = catalogue.text(nameOrFile).orElse(null);
        return play(loaded, text);
    }

    /** Plays a scenario file. */
    public LabResult run(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = null; // the loader says so, located at the file
        }
        return play(ScenarioLoader.load(file), text);
    }

    /** Plays a scenario written with {@link ScenarioBuilder}. */
    public LabResult run(ScenarioBuilder scenario) {
        return play(scenario.build(), scenario.yaml());
    }

    /** The cluster of this test class. */
    public LabCluster cluster() {
        return cluster;
    }

    /** The class's run directory: one sub-directory per run, numbered in the order they ran. */
    public Path runs() {
        return runs;
    }

    private LabResult play(LoadResult loaded, String text) {
        if (loaded instanceof ScenarioError error) {
            throw new InvalidScenarioException(error, text);
        }
        return play(((LoadResult.Loaded) loaded).scenario(), text);
    }

    private synchronized LabResult play(Scenario s, String text) {
        Path dir = runs.resolve(
                String.format("%03d-%s", played.incrementAndGet(), s.name().replace('/', '-')));
        try {
            Files.createDirectories(dir);
            // the run directory keeps the exact scenario it played, for `memtype-lab replay DIR`
            Files.writeString(dir.resolve("scenario.yaml"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + dir, e);
        }
        RunOutcome run = conductor.run(s, s.seed(), dir, s.name() + "@" + s.seed());
        RunResult result = RunPipeline.finish(s, s.seed(), cluster.mode(), run, dir, RunPipeline.Expect.CHECK, null);
        return new LabResult(s, run, result, dir);
    }
}
