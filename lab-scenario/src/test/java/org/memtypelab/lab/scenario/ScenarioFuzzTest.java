package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the scenario loader: mutants of every bundled scenario (text and byte mutations, see
 * {@link YamlMutator}) and generated scenarios each load, or give a {@link ScenarioError} located inside the text
 * whose message names no Java class. Never an exception, never a hang: every batch has a deadline. A failure names
 * its batch; the batch's seed reproduces it.
 */
class ScenarioFuzzTest {

    static final long SEED = Long.getLong("fuzz.seed", 0x5CE9_A210L);
    static final int BATCHES = Integer.getInteger("fuzz.batches", 24);
    static final int TEXT_MUTANTS = 300;
    static final int BYTE_MUTANTS = 60;
    static final int GENERATED = 120;
    static final Duration BATCH_DEADLINE = Duration.ofSeconds(30);

    private static final List<String> BUNDLED = bundledTexts();
    private static final AtomicInteger LOADED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();

    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> mutantsAndGeneratedScenariosLoadOrFailLocated() {
        return IntStream.range(0, BATCHES)
                .mapToObj(b -> DynamicTest.dynamicTest(
                        "batch " + b + " (seed " + (SEED + b) + ")",
                        () -> assertTimeoutPreemptively(BATCH_DEADLINE, () -> batch(SEED + b))));
    }

    @AfterAll
    static void enoughOfBothKinds() {
        int total = LOADED.get() + REFUSED.get();
        System.out.println("scenario fuzz: " + LOADED.get() + " loaded, " + REFUSED.get() + " refused");
        assertThat(total).isGreaterThanOrEqualTo(10_000);
        assertThat(LOADED.get()).as("valid scenarios among %d", total).isGreaterThanOrEqualTo(500);
        assertThat(REFUSED.get()).as("refused scenarios among %d", total).isGreaterThanOrEqualTo(5_000);
    }

    private static void batch(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        YamlMutator mutator = new YamlMutator(random, BUNDLED);
        for (int i = 0; i < TEXT_MUTANTS; i++) {
            String text = mutator.mutate(BUNDLED.get(random.nextInt(BUNDLED.size())));
            check(text, () -> ScenarioLoader.load("mutant.yaml", text));
        }
        for (int i = 0; i < BYTE_MUTANTS; i++) {
            byte[] bytes = mutator.mutateBytes(BUNDLED.get(random.nextInt(BUNDLED.size())));
            Path file = dir.resolve("bytes-" + seed + "-" + i + ".yaml");
            Files.write(file, bytes);
            // a bad byte's line and column are those of the text decoded so far, so within the text decoded leniently
            check(new String(bytes, StandardCharsets.UTF_8), () -> ScenarioLoader.load(file));
            Files.delete(file);
        }
        for (int i = 0; i < GENERATED; i++) {
            String text = ScenarioGenerator.scenario(random);
            check(text, () -> ScenarioLoader.load("generated.yaml", text));
        }
    }

    /** Loaded, or an error inside {@code text} in plain words; an exception is a failure showing the text. */
    static void check(String text, Supplier<LoadResult> load) {
        LoadResult r;
        try {
            r = load.get();
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("loading threw " + e + "\n--- text:\n" + LocatedErrors.clip(text), e);
        }
        if (r instanceof LoadResult.Loaded) {
            LOADED.incrementAndGet();
            return;
        }
        REFUSED.incrementAndGet();
        ScenarioError e = (ScenarioError) r;
        LocatedErrors.assertWithin(text, e);
    }

    private static List<String> bundledTexts() {
        ScenarioCatalogue c = ScenarioCatalogue.bundled();
        return c.names().stream().map(n -> c.text(n).orElseThrow()).toList();
    }
}
