package org.memtypelab.core.fault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The message faults one node applies to its outgoing messages: armed rules with their remaining counts, and the
 * partition it is in. Decisions draw from a seeded {@link Random}, so the same seed and the same message order give
 * the same faults (DESIGN.md "Faults").
 */
public final class FaultState {

    /** What to do with one outgoing message. */
    public record Decision(MessageRule.Action action, long delayMs, String because) {
        static final Decision DELIVER = new Decision(null, 0, "");

        public boolean deliver() {
            return action == null;
        }
    }

    private final String node;
    private final Random random;
    private final List<MessageRule> rules = new ArrayList<>();
    private final List<Integer> remaining = new ArrayList<>();
    private List<Set<String>> partition = List.of();

    public FaultState(String node, long seed) {
        this.node = node;
        this.random = new Random(seed ^ node.hashCode());
    }

    /** Arms more rules; rules whose {@code from} is another node are ignored. */
    public void arm(List<MessageRule> armed) {
        for (MessageRule r : armed) {
            if (r.from().isEmpty() || r.from().equals(node)) {
                rules.add(r);
                remaining.add(r.count() == 0 ? Integer.MAX_VALUE : r.count());
            }
        }
    }

    /** Splits the nodes into groups that cannot reach each other (a message-level partition). */
    public void partition(List<Set<String>> groups) {
        this.partition = groups.stream().map(Set::copyOf).toList();
    }

    /** Heals every partition. */
    public void heal() {
        this.partition = List.of();
    }

    /** Decides the fate of a message from this node to {@code to}, of class {@code kind}. */
    public Decision decide(String to, String kind) {
        if (separated(node, to)) {
            return new Decision(MessageRule.Action.DROP, 0, "partition " + partition);
        }
        for (int i = 0; i < rules.size(); i++) {
            MessageRule r = rules.get(i);
            if (remaining.get(i) > 0 && r.matches(node, to, kind)) {
                remaining.set(i, remaining.get(i) - 1);
                if (r.probability() >= 1.0 || random.nextDouble() < r.probability()) {
                    return new Decision(
                            r.action(), r.delayMs(), r.action().label() + " " + node + "->" + to + " " + kind);
                }
            }
        }
        return Decision.DELIVER;
    }

    private boolean separated(String a, String b) {
        if (partition.isEmpty()) {
            return false;
        }
        Set<Integer> ga = new HashSet<>();
        Set<Integer> gb = new HashSet<>();
        for (int i = 0; i < partition.size(); i++) {
            if (partition.get(i).contains(a)) {
                ga.add(i);
            }
            if (partition.get(i).contains(b)) {
                gb.add(i);
            }
        }
        // nodes named in no group (e.g. the conductor) are reachable from everywhere
        return !ga.isEmpty() && !gb.isEmpty() && ga.stream().noneMatch(gb::contains);
    }
}
