package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.protocol.NodeRole;

/**
 * Laws every random fault plan obeys, whatever the seed and counts: every count up to the law's bound, each with 100
 * seeds drawn from a fixed generator (the seed is in the test name, so a failure reproduces).
 */
class RandomFaultsLawsTest {

    /** (seed, count) for count 0..maxCount, 100 seeds each. */
    static Stream<Arguments> seedsAndCounts(int maxCount) {
        SplittableRandom seeds = new SplittableRandom(2026_12_02L);
        return IntStream.rangeClosed(0, maxCount)
                .boxed()
                .flatMap(count -> IntStream.range(0, 100).mapToObj(i -> Arguments.of(seeds.nextLong(), count)));
    }

    static Stream<Arguments> upToFive() {
        return seedsAndCounts(5);
    }

    static Stream<Arguments> upToEight() {
        return seedsAndCounts(8);
    }

    @ParameterizedTest(name = "seed {0}, kills {1}")
    @MethodSource("upToEight")
    void everyKillIsFollowedByItsRestartAndNoNodeIsKilledTwice(long seed, int kills) {
        FaultPlan plan = RandomFaults.plan(RandomFaultsTest.SIX_STEPS, seed, new CampaignSpec.Faults(0, kills, 0, 1));
        Map<NodeRole, Integer> downSince = new EnumMap<>(NodeRole.class);
        int pairs = 0;
        int lastStep = 0;
        for (FaultPlan.Armed a : plan.armed()) {
            assertThat(a.step()).isBetween(Math.max(1, lastStep), 6);
            lastStep = a.step();
            if (a.action() instanceof FaultPlan.Kill k) {
                assertThat(RandomFaults.KILLABLE).contains(k.node());
                assertThat(downSince).doesNotContainKey(k.node());
                downSince.put(k.node(), a.step());
            } else {
                NodeRole node = ((FaultPlan.Restart) a.action()).node();
                assertThat(downSince).containsKey(node);
                assertThat(a.step()).isGreaterThanOrEqualTo(downSince.remove(node));
                pairs++;
            }
        }
        assertThat(downSince).isEmpty();
        assertThat(pairs).isEqualTo(kills);
    }

    @ParameterizedTest(name = "seed {0}, partitions {1}")
    @MethodSource("upToFive")
    void partitionsSplitTheNodesInTwoAndAreHealedBeforeTheNext(long seed, int partitions) {
        FaultPlan plan =
                RandomFaults.plan(RandomFaultsTest.SIX_STEPS, seed, new CampaignSpec.Faults(0, 0, partitions, 1));
        Set<String> all = new HashSet<>(
                RandomFaults.PARTITIONABLE.stream().map(NodeRole::label).toList());
        boolean split = false;
        int pairs = 0;
        for (FaultPlan.Armed a : plan.armed()) {
            if (a.action() instanceof FaultPlan.Partition p) {
                assertThat(split).as("a partition while another is in force").isFalse();
                List<Set<String>> groups = p.groups();
                assertThat(groups).hasSize(2).allSatisfy(g -> assertThat(g).isNotEmpty());
                Set<String> union = new HashSet<>(groups.get(0));
                union.addAll(groups.get(1));
                assertThat(union).isEqualTo(all);
                assertThat(groups.get(0)).doesNotContainAnyElementsOf(groups.get(1));
                split = true;
            } else {
                assertThat(a.action()).isInstanceOf(FaultPlan.Heal.class);
                assertThat(split).isTrue();
                split = false;
                pairs++;
            }
        }
        assertThat(split).isFalse();
        assertThat(pairs).isEqualTo(partitions);
    }
}
