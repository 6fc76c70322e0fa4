package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.protocol.node.MessageRule;

class RandomFaultsTest {

    static final Scenario SIX_STEPS =
            ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve("kernel/6-11-self-snoop")).scenario();

    @Test
    void sameSeedGivesTheSamePlan() {
        CampaignSpec.Faults spec = new CampaignSpec.Faults(0.05, 2, 1, 10);
        for (long seed = 0; seed < 50; seed++) {
            assertThat(RandomFaults.plan(SIX_STEPS, seed, spec)).isEqualTo(RandomFaults.plan(SIX_STEPS, seed, spec));
        }
    }

    @Test
    void differentSeedsGiveDifferentPlans() {
        CampaignSpec.Faults spec = new CampaignSpec.Faults(0.05, 2, 1, 10);
        Set<FaultPlan> plans = new HashSet<>();
        LongStream.range(0, 50).forEach(seed -> plans.add(RandomFaults.plan(SIX_STEPS, seed, spec)));

        assertThat(plans).hasSizeGreaterThan(40);
    }

    @Test
    void messageFaultsAreOneRulePerActionOnAllMessagesArmedAtStepOne() {
        FaultPlan plan = RandomFaults.plan(SIX_STEPS, 42, new CampaignSpec.Faults(0.05, 0, 0, 10));

        assertThat(plan.armed()).hasSize(1);
        assertThat(plan.armed().get(0).step()).isEqualTo(1);
        List<MessageRule> rules = ((FaultPlan.Messages) plan.armed().get(0).action()).rules();
        assertThat(rules)
                .extracting(MessageRule::action)
                .containsExactly(
                        MessageRule.Action.DROP,
                        MessageRule.Action.DELAY,
                        MessageRule.Action.DUPLICATE,
                        MessageRule.Action.REORDER);
        assertThat(rules).allSatisfy(r -> {
            assertThat(r.probability()).isEqualTo(0.05);
            assertThat(r.count()).isZero();
            assertThat(r.from()).isEmpty();
            assertThat(r.to()).isEmpty();
            assertThat(r.kind()).isEmpty();
        });
        assertThat(rules.get(1).delayMs()).isBetween(10L, 200L);
    }

    @Test
    void noFaultsGiveTheEmptyPlan() {
        assertThat(RandomFaults.plan(SIX_STEPS, 7, CampaignSpec.Faults.NONE)).isEqualTo(FaultPlan.NONE);
    }

    @Test
    void runSeedsDependOnlyOnCampaignCellAndRun() {
        assertThat(RunSeeds.of(1, 2, 3)).isEqualTo(RunSeeds.of(1, 2, 3));
        Set<Long> seeds = new HashSet<>();
        for (int cell = 1; cell <= 20; cell++) {
            for (int run = 0; run <= 20; run++) {
                long s = RunSeeds.of(1, cell, run);
                assertThat(s).isNotNegative();
                seeds.add(s);
            }
        }
        assertThat(seeds).hasSize(20 * 21);
        assertThat(RunSeeds.of(2, 1, 0)).isNotEqualTo(RunSeeds.of(1, 1, 0));
    }
}
