package org.memtypelab.lab.explore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.sim.SimCluster;

/**
 * {@code explore} in verify: every bundled scenario with every single-fault placement (each in the oldest-first
 * order) and every delivery order one departure from it without faults; and two faults on one scenario within a time
 * cap. No schedule may break a guarantee.
 */
class ExploreCatalogueTest {

    private static SimCluster sim;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        sim = SimCluster.start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static Stream<String> bundled() {
        return ScenarioCatalogue.bundled().names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void everySingleFaultPlacementKeepsTheGuarantees(String name) {
        Explorer.Report r = new Explorer(sim, work)
                .explore(scenario(name), new Explorer.Options(1, 1, 0, 200, Duration.ofMinutes(2)));

        System.out.printf(
                "explore %-45s states %5d distinct %5d max depth %3d plans %4d explained %3d %6d ms%n",
                name, r.states(), r.distinct(), r.maxDepth(), r.plans(), r.explained(), r.ms());
        assertThat(r.violations()).as(name + ": " + r.violations()).isEmpty();
        assertThat(r.capped()).as("explored fully").isFalse();
        // the fault-free plan and at least one placement per step were played; faults changed some histories
        assertThat(r.plans()).isGreaterThan(scenario(name).steps().size());
        assertThat(r.states()).isGreaterThanOrEqualTo(r.plans());
        assertThat(r.distinct()).isGreaterThan(1);
    }

    @Test
    void twoFaultsWithinACap() {
        Explorer.Report r = new Explorer(sim, work)
                .explore(scenario("faults/late-reply"), new Explorer.Options(2, 0, 0, 1, Duration.ofSeconds(4)));

        assertThat(r.violations()).as(r.violations().toString()).isEmpty();
        assertThat(r.plans()).isGreaterThan(20);
    }

    private static Scenario scenario(String name) {
        return ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve(name)).scenario();
    }
}
