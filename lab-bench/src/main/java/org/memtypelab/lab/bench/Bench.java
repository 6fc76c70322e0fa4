package org.memtypelab.lab.bench;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.memtypelab.lab.run.LabCluster;

/**
 * {@code memtype-lab bench} (issue 9, section 4): every figure next to a baseline measured in the same run on the same
 * machine. Rows 1-4 are cluster measurements timed directly (a warm-up, then the wall clock); rows 5-7 are JMH.
 */
public final class Bench {

    private final BenchSettings settings;
    private final Path dir;
    private final Consumer<String> progress;

    /** A bench writing its files (jmh.log, node logs of row 3) into {@code dir}, saying what it does to {@code progress}. */
    public Bench(BenchSettings settings, Path dir, Consumer<String> progress) {
        this.settings = settings;
        this.dir = dir;
        this.progress = progress;
    }

    /** Measures every row; the caller writes the report ({@link BenchReport#write}). */
    public BenchReport run() throws Exception {
        long start = System.nanoTime();
        String started = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        Map<String, Object> details = new LinkedHashMap<>();
        // the models first, while no ActorSystem competes for the cores
        List<Row> models = new ModelRows(settings, progress, dir).measure();

        RunRates rates = new RunRates(settings, progress);
        long[] embedded;
        Row events;
        progress.accept("row 1: forming a warm embedded cluster");
        try (EmbeddedLab lab = EmbeddedLab.form()) {
            embedded = rates.embedded(lab);
            events = new EventFlow(settings, progress).measure(lab);
        }
        double embeddedRate = RunRates.perMinute(embedded);
        List<Row> rows = new ArrayList<>(rates.simRows(embeddedRate, (int) embedded[0]));
        details.put("sim_profile", rates.simProfile);
        details.put("embedded_warm_runs", embedded[0]);

        Formation formation = new Formation(settings, progress, dir);
        rows.add(formation.embedded());
        if (settings.processes()) {
            rows.add(formation.processes());
        } else {
            rows.add(Row.skipped(
                    "3-processes-cold",
                    "processes cold: " + (LabCluster.ROLES.size() - 1) + " node JVMs + one run",
                    "ms",
                    "bare Pekko: as many JVMs",
                    settings.mode() + " skips it: starting the node JVMs alone takes ~20 s on 2 cores; run"
                            + " `bench` without --quick"));
        }
        rows.add(events);
        rows.addAll(models);
        long seconds = Math.round((System.nanoTime() - start) / 1e9);
        return new BenchReport(Machine.current(), settings.mode(), started, seconds, rows, details);
    }
}
