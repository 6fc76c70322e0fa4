package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MessageRule;

/**
 * The random fault plan of one campaign run: a pure function of the scenario, the run's seed and the spec's
 * {@code faults.random}, so the same seed always gives the same plan.
 *
 * <ul>
 *   <li>{@code messages: P}: from step 1, every message of every node is dropped with probability P, else delayed
 *       (one delay of 10-200 ms per run) with probability P, else duplicated, else reordered (rules in that order);
 *   <li>{@code kills: K}: K kill+restart pairs of nodes among kvm-node, qemu-node, gpu-process-node and
 *       migration-node, each restart at the kill's step or later; one node's pairs never overlap;
 *   <li>{@code partitions: K}: K partition+heal pairs that never overlap, each splitting the nodes and the monitor
 *       into two random non-empty groups (the conductor stays reachable: it drives the run).
 * </ul>
 */
public final class RandomFaults {

    /** Nodes a campaign kills: the monitor and the conductor observe and drive the run. */
    static final List<NodeRole> KILLABLE =
            List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MIGRATION);
    /** Nodes a campaign partitions. */
    static final List<NodeRole> PARTITIONABLE =
            List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MIGRATION, NodeRole.MONITOR);

    static final int MIN_DELAY_MS = 10;
    static final int MAX_DELAY_MS = 200;

    private RandomFaults() {}

    /** The plan of a run of {@code scenario} with {@code seed}; {@link FaultPlan#NONE} when the spec has no faults. */
    public static FaultPlan plan(Scenario scenario, long seed, CampaignSpec.Faults spec) {
        SplittableRandom random = new SplittableRandom(seed);
        int steps = scenario.steps().size();
        List<FaultPlan.Armed> armed = new ArrayList<>();
        if (spec.messages() > 0) {
            long delay = random.nextInt(MIN_DELAY_MS, MAX_DELAY_MS + 1);
            List<MessageRule> rules = new ArrayList<>();
            for (MessageRule.Action action : MessageRule.Action.values()) {
                rules.add(new MessageRule(
                        action, "", "", "", 0, spec.messages(), action == MessageRule.Action.DELAY ? delay : 0));
            }
            armed.add(new FaultPlan.Armed(1, new FaultPlan.Messages(rules)));
        }
        List<FaultPlan.Armed> timed = new ArrayList<>();
        Map<NodeRole, Integer> kills = new EnumMap<>(NodeRole.class);
        for (int i = 0; i < count(random, spec.kills()); i++) {
            kills.merge(KILLABLE.get(random.nextInt(KILLABLE.size())), 1, Integer::sum);
        }
        for (NodeRole node : KILLABLE) {
            for (int[] span : spans(random, kills.getOrDefault(node, 0), steps)) {
                timed.add(new FaultPlan.Armed(span[0], new FaultPlan.Kill(node)));
                timed.add(new FaultPlan.Armed(span[1], new FaultPlan.Restart(node)));
            }
        }
        for (int[] span : spans(random, count(random, spec.partitions()), steps)) {
            timed.add(new FaultPlan.Armed(span[0], new FaultPlan.Partition(split(random))));
            timed.add(new FaultPlan.Armed(span[1], new FaultPlan.Heal()));
        }
        // stable: within one step, a pair's end comes before the next pair's start, as generated
        timed.sort(Comparator.comparingInt(FaultPlan.Armed::step));
        armed.addAll(timed);
        return new FaultPlan(armed);
    }

    /** Whole pairs, plus one more with the fraction's probability. */
    private static int count(SplittableRandom random, double pairs) {
        int whole = (int) Math.floor(pairs);
        return whole + (random.nextDouble() < pairs - whole ? 1 : 0);
    }

    /** {@code n} [start, end] step spans in 1..steps that follow each other without overlapping (they may touch). */
    private static List<int[]> spans(SplittableRandom random, int n, int steps) {
        int[] points = new int[2 * n];
        for (int i = 0; i < points.length; i++) {
            points[i] = random.nextInt(1, steps + 1);
        }
        Arrays.sort(points);
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            spans.add(new int[] {points[2 * i], points[2 * i + 1]});
        }
        return spans;
    }

    /** Two non-empty groups of {@link #PARTITIONABLE}. */
    private static List<Set<String>> split(SplittableRandom random) {
        int all = (1 << PARTITIONABLE.size()) - 1;
        int mask = random.nextInt(1, all); // never 0 (everyone on one side) nor all
        Set<String> a = new HashSet<>();
        Set<String> b = new HashSet<>();
        for (int i = 0; i < PARTITIONABLE.size(); i++) {
            ((mask >> i & 1) == 1 ? a : b).add(PARTITIONABLE.get(i).label());
        }
        return List.of(Set.copyOf(a), Set.copyOf(b));
    }
}
