package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.lab.scenario.LocatedErrors;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.YamlMutator;

/**
 * Seeded fuzzing of campaign specs: mutants of the bundled specs (text mutations, and byte mutations read from a
 * file) each load with every cell validated, or give an error located inside the spec in plain words. Never an
 * exception, never a hang: every batch has a deadline.
 */
class CampaignSpecFuzzTest {

    static final long SEED = Long.getLong("fuzz.seed", 0xCA3B_A160L);
    static final int BATCHES = Integer.getInteger("fuzz.batches", 8);
    static final int TEXT_MUTANTS = 240;
    static final int BYTE_MUTANTS = 30;
    static final Duration BATCH_DEADLINE = Duration.ofSeconds(40);

    private static final CampaignCatalogue CATALOGUE = CampaignCatalogue.bundled();
    private static final List<String> SPECS = specTexts();
    private static final List<String> VOCABULARY = vocabulary();
    private static final AtomicInteger READY = new AtomicInteger();
    private static final AtomicInteger INVALID = new AtomicInteger();

    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> specMutantsLoadOrFailLocated() {
        return IntStream.range(0, BATCHES)
                .mapToObj(b -> DynamicTest.dynamicTest(
                        "batch " + b + " (seed " + (SEED + b) + ")",
                        () -> assertTimeoutPreemptively(BATCH_DEADLINE, () -> batch(SEED + b))));
    }

    @AfterAll
    static void enoughOfBothKinds() {
        System.out.println("campaign spec fuzz: " + READY.get() + " ready, " + INVALID.get() + " invalid");
        assertThat(READY.get() + INVALID.get()).isGreaterThanOrEqualTo(2_000);
        assertThat(READY.get()).isGreaterThanOrEqualTo(100);
        assertThat(INVALID.get()).isGreaterThanOrEqualTo(1_000);
    }

    private static void batch(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        YamlMutator mutator = new YamlMutator(random, VOCABULARY);
        for (int i = 0; i < TEXT_MUTANTS; i++) {
            String text = mutator.mutate(SPECS.get(random.nextInt(SPECS.size())));
            check(
                    text,
                    "spec.yaml",
                    () -> CampaignLoader.load(
                            CATALOGUE, new CampaignCatalogue.Source("spec.yaml", text, Optional.empty())));
        }
        for (int i = 0; i < BYTE_MUTANTS; i++) {
            byte[] bytes = mutator.mutateBytes(SPECS.get(random.nextInt(SPECS.size())));
            Path file = dir.resolve("spec-" + seed + "-" + i + ".yaml");
            Files.write(file, bytes);
            check(
                    new String(bytes, StandardCharsets.UTF_8),
                    file.toString(),
                    () -> CampaignLoader.load(CATALOGUE, file.toString()));
            Files.delete(file);
        }
    }

    /** Ready, or an error in the spec {@code file} at a line and column of {@code text}, in plain words. */
    private static void check(String text, String file, Supplier<CampaignLoad> load) {
        CampaignLoad r;
        try {
            r = load.get();
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("loading threw " + e + "\n--- spec:\n" + LocatedErrors.clip(text), e);
        }
        if (r instanceof CampaignLoad.Ready) {
            READY.incrementAndGet();
            return;
        }
        INVALID.incrementAndGet();
        ScenarioError e = ((CampaignLoad.Invalid) r).error();
        if (!e.file().equals(file)) {
            fail("not located in the spec " + file + ": " + e + "\n--- spec:\n" + LocatedErrors.clip(text));
        }
        LocatedErrors.assertWithin(text, e);
    }

    private static List<String> specTexts() {
        return CATALOGUE.names().stream()
                .map(n -> {
                    try {
                        return CATALOGUE.spec(n).text();
                    } catch (CampaignCatalogue.Unresolved e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    /** The specs and the bundled scenarios: keys and values a mutant may borrow. */
    private static List<String> vocabulary() {
        List<String> texts = new ArrayList<>(SPECS);
        ScenarioCatalogue scenarios = ScenarioCatalogue.bundled();
        scenarios.names().forEach(n -> texts.add(scenarios.text(n).orElseThrow()));
        return texts;
    }
}
