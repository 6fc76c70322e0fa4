package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.junit.LabResult;
import org.memtypelab.lab.junit.LabRunner;
import org.memtypelab.lab.junit.MemtypeLab;
import org.memtypelab.lab.junit.Nodes;

/**
 * Valid mutants of the bundled scenarios, played in the simulator through the JUnit 5 API ({@code @MemtypeLab(nodes =
 * SIM)}): each mutant sets one {@code key: value} of a bundled scenario to a value the same key has in another bundled
 * scenario - mutants that mostly make sense - and those that load are played. Every run must complete and the monitor
 * may miss no hazard its traces show. (lab-campaign's PlayedMutantsFuzzTest plays 500 of the scenario fuzzer's.)
 */
@MemtypeLab(nodes = Nodes.SIM)
class PlayedMutantsTest {

    static final long SEED = 0x91A7_ED00L;
    static final int PLAYED = 100;

    private static final Pattern KEY_VALUE = Pattern.compile("(?<=[\\s{,])([a-z][a-z0-9-]*): ([^,{}\\[\\]\\n#]+)");

    @Test
    void validMutantsPlayToCompletionAndTheMonitorMissesNothing(LabRunner lab, @TempDir Path tmp) throws Exception {
        List<Path> mutants = validMutants(tmp);
        assertThat(mutants).hasSize(PLAYED);

        for (Path file : mutants) {
            LabResult result = lab.run(file);
            String what = file + ":\n" + Files.readString(file);
            assertThat(result.incomplete()).as("incomplete run of %s", what).isEmpty();
            TraceTruth.Comparison truth = TraceTruth.compare(
                    result.dir(),
                    result.scenario().platform().coherence(),
                    result.outcome().report().hazards());
            assertThat(truth.missed())
                    .as("hazards the monitor missed in %s", what)
                    .isEmpty();
            if (result.outcome().report().verdict() == Verdict.CONSISTENT) {
                assertThat(result.hazards()).as(what).isEmpty();
            }
        }
    }

    /** {@link #PLAYED} distinct mutants that load; bases without faults keep every run short. */
    private static List<Path> validMutants(Path tmp) throws Exception {
        ScenarioCatalogue catalogue = ScenarioCatalogue.bundled();
        List<String> bases = new ArrayList<>();
        Map<String, Set<String>> valuesByKey = new HashMap<>();
        for (String name : catalogue.names()) {
            String text = catalogue.text(name).orElseThrow();
            Matcher m = KEY_VALUE.matcher(text);
            while (m.find()) {
                valuesByKey
                        .computeIfAbsent(m.group(1), k -> new LinkedHashSet<>())
                        .add(m.group(2).strip());
            }
            if (!name.startsWith("faults/")) {
                bases.add(text);
            }
        }
        SplittableRandom random = new SplittableRandom(SEED);
        Set<String> seen = new LinkedHashSet<>();
        List<Path> valid = new ArrayList<>();
        for (int attempt = 0; attempt < 20_000 && valid.size() < PLAYED; attempt++) {
            String base = bases.get(random.nextInt(bases.size()));
            List<int[]> spans = new ArrayList<>();
            Matcher m = KEY_VALUE.matcher(base);
            while (m.find()) {
                if (!List.of("name", "description").contains(m.group(1))) {
                    spans.add(new int[] {m.start(2), m.end(2), m.start(1), m.end(1)});
                }
            }
            int[] s = spans.get(random.nextInt(spans.size()));
            List<String> values = new ArrayList<>(valuesByKey.get(base.substring(s[2], s[3])));
            String mutant = base.substring(0, s[0]) + values.get(random.nextInt(values.size())) + base.substring(s[1]);
            if (!mutant.equals(base)
                    && seen.add(mutant)
                    && ScenarioLoader.load("mutant.yaml", mutant) instanceof LoadResult.Loaded) {
                valid.add(Files.writeString(tmp.resolve("mutant-" + valid.size() + ".yaml"), mutant));
            }
        }
        return valid;
    }
}
