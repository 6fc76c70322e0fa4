package org.memtypelab.runtime.delivery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.memtypelab.protocol.node.MessageRule;

/**
 * The fault decisions of one outbox - a node's or the conductor's: armed rules with their remaining counts, and the
 * partition the sender is in. Pure: decisions draw from a seeded {@link Random}, so the same seed and the same message
 * order give the same faults (DESIGN.md "Faults"). The adapter that owns it sends, holds back or drops the message.
 */
public final class Outbox {

    /** How long a reordered message is held back at least, and the spread above that: long enough to be overtaken. */
    static final long REORDER_HOLD_MS = 20;

    static final int REORDER_SPREAD_MS = 100;

    /** What to do with one outgoing message; {@code delayMs} is how long a delayed or reordered one is held. */
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
    private long decided;

    public Outbox(String node, long seed) {
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
        decided++;
        if (separated(node, to)) {
            return new Decision(MessageRule.Action.DROP, 0, "partition " + partition);
        }
        for (int i = 0; i < rules.size(); i++) {
            MessageRule r = rules.get(i);
            if (remaining.get(i) > 0 && r.matches(node, to, kind)) {
                remaining.set(i, remaining.get(i) - 1);
                if (r.probability() >= 1.0 || random.nextDouble() < r.probability()) {
                    long hold = r.action() == MessageRule.Action.REORDER
                            ? REORDER_HOLD_MS + Math.floorMod(decided * 37, REORDER_SPREAD_MS)
                            : r.delayMs();
                    return new Decision(r.action(), hold, r.action().label() + " " + node + "->" + to + " " + kind);
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
