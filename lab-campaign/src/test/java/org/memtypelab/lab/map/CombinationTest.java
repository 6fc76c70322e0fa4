package org.memtypelab.lab.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.kvm.DesignPatch;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.ScenarioError;

/** The map's combinations as scenarios, and the generator's use of what a player returns; no cluster. */
class CombinationTest {

    @Test
    void everyDesignSuffixCoreKnowsIsOnTheMap() {
        Set<String> designs = Axes.designs().stream().map(Axes.Design::id).collect(Collectors.toSet());
        for (DesignPatch p : DesignPatch.values()) {
            assertThat(designs).contains(p.suffix());
        }
        assertThat(designs).contains("status-quo", "quirk-off");
    }

    @Test
    void combinationsHaveDistinctNamesAndOnlyTheQuirkOptOutIsEverRefused() {
        List<Combination> all = DesignSpace.combinations();
        assertThat(all.stream().map(Combination::name).distinct().count()).isEqualTo(all.size());
        for (Combination c : all) {
            LoadResult r = c.load();
            if (r instanceof ScenarioError e) {
                assertThat(c.design().id()).as("%s: %s", c.name(), e.message()).isEqualTo("quirk-off");
                assertThat(e.message()).contains("rule 15");
            }
        }
    }

    @Test
    void theVmmSetsTheSlotInputsEachDesignNeeds() {
        assertThat(scenario("kvm-mem-dma", "i915-wc/qemu").yaml()).contains("flags: [kvm-mem-dma]");
        assertThat(scenario("slot-memtype", "amdgpu-uswc/qemu").yaml()).contains("memtype: WC");
        assertThat(scenario("uc-to-wc", "i915-wc/qemu").yaml()).contains("mtrr: UC", "noncoherent-dma: true");
        assertThat(scenario("status-quo", "i915-wc/qemu").yaml()).doesNotContain("flags", "memtype", "mtrr");
    }

    @Test
    void theVerdictAndHazardsAreThePlayersNotTheGenerators() {
        Combination c = DesignSpace.combinations().get(0);
        Player fake = s -> result(
                s.name(),
                "unknown",
                new RunResult.HazardEntry(
                        "b0", List.of("qemu", "renderer"), List.of("WB", "WC"), "memtype-alias", 3, "w"));
        MapEntry e = DesignSpace.evaluate(c, fake);
        assertThat(e.verdict()).isEqualTo("unknown");
        assertThat(e.hazards()).containsExactly("memtype-alias qemu/renderer");
        assertThat(e.sound()).isTrue();
    }

    /** The first combination of {@code design} on {@code placement}, which must load. */
    private static Combination scenario(String design, String placement) {
        Combination c = DesignSpace.combinations().stream()
                .filter(x ->
                        x.design().id().equals(design) && x.placement().id().equals(placement))
                .findFirst()
                .orElseThrow();
        assertThat(c.load()).as(c.name()).isInstanceOf(LoadResult.Loaded.class);
        return c;
    }

    static RunResult result(String name, String verdict, RunResult.HazardEntry hazard) {
        return new RunResult(
                name,
                1,
                "fake",
                verdict,
                List.of(),
                List.of(hazard),
                new RunResult.MigrationEntry("blocked", "virgl is not yet migratable"),
                List.of(),
                new RunResult.ExpectEntry(true, List.of()),
                new RunResult.FaultCounts(0, 0, java.util.Map.of()),
                List.of(),
                true,
                null,
                List.of(),
                new RunResult.TruthEntry(verdict, List.of(), List.of()),
                null,
                0,
                null);
    }
}
