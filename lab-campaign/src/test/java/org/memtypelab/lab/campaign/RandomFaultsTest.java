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
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MessageRule;

class RandomFaultsTest {

    static final Scenario SIX_STEPS =
            ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve("kernel/6-11-self-snoop")).scenario();

    /**
     * Plans recorded from this generator: a campaign re-run with a seed from its campaign.json must replay exactly
     * these faults, so a change here is a change of every recorded campaign.
     */
    @Test
    void aSeedGivesItsRecordedPlan() {
        CampaignSpec.Faults spec = new CampaignSpec.Faults(0.05, 2, 1, 10);

        assertThat(RandomFaults.plan(SIX_STEPS, 0, spec))
                .isEqualTo(new FaultPlan(List.of(
                        new FaultPlan.Armed(1, new FaultPlan.Messages(everyMessage(0.05, 132))),
                        new FaultPlan.Armed(1, new FaultPlan.Kill(NodeRole.GPU_PROCESS)),
                        new FaultPlan.Armed(
                                3,
                                new FaultPlan.Partition(List.of(
                                        Set.of("gpu-process-node", "kvm-node", "qemu-node"),
                                        Set.of("migration-node", "monitor")))),
                        new FaultPlan.Armed(4, new FaultPlan.Kill(NodeRole.MIGRATION)),
                        new FaultPlan.Armed(5, new FaultPlan.Restart(NodeRole.MIGRATION)),
                        new FaultPlan.Armed(6, new FaultPlan.Restart(NodeRole.GPU_PROCESS)),
                        new FaultPlan.Armed(6, new FaultPlan.Heal()))));
        assertThat(RandomFaults.plan(SIX_STEPS, 7, spec))
                .isEqualTo(new FaultPlan(List.of(
                        new FaultPlan.Armed(1, new FaultPlan.Messages(everyMessage(0.05, 37))),
                        new FaultPlan.Armed(1, new FaultPlan.Kill(NodeRole.MIGRATION)),
                        new FaultPlan.Armed(3, new FaultPlan.Restart(NodeRole.MIGRATION)),
                        new FaultPlan.Armed(4, new FaultPlan.Kill(NodeRole.MIGRATION)),
                        new FaultPlan.Armed(
                                5,
                                new FaultPlan.Partition(List.of(
                                        Set.of("gpu-process-node", "monitor"),
                                        Set.of("kvm-node", "qemu-node", "migration-node")))),
                        new FaultPlan.Armed(5, new FaultPlan.Heal()),
                        new FaultPlan.Armed(6, new FaultPlan.Restart(NodeRole.MIGRATION)))));
    }

    /** The rules {@code messages: p} arms: each action on every message, the delay drawn once per run. */
    private static List<MessageRule> everyMessage(double p, long delayMs) {
        return List.of(
                new MessageRule(MessageRule.Action.DROP, "", "", "", 0, p, 0),
                new MessageRule(MessageRule.Action.DELAY, "", "", "", 0, p, delayMs),
                new MessageRule(MessageRule.Action.DUPLICATE, "", "", "", 0, p, 0),
                new MessageRule(MessageRule.Action.REORDER, "", "", "", 0, p, 0));
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
        // recorded: SplitMix64 over (1, 2, 3); campaign.json's run seeds must mean the same runs in every version
        assertThat(RunSeeds.of(1, 2, 3)).isEqualTo(6455851707495970801L);
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
