package org.memtypelab.lab.explore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.memtypelab.documents.TraceLine;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MessageRule;

/**
 * Every place one fault can go in a run, read off the fault-free run's history: for each step and each pair of nodes
 * that exchanged a message in it, the pair's first message of that step dropped, duplicated or reordered; and at
 * each step, each node that can crash killed and restarted as a new incarnation.
 */
public final class Placements {

    /** Message faults an explorer places (a delay is a reorder that keeps the order: nothing new to see). */
    static final List<MessageRule.Action> MESSAGE_FAULTS =
            List.of(MessageRule.Action.DROP, MessageRule.Action.DUPLICATE, MessageRule.Action.REORDER);

    /** Nodes that crash: the monitor and the conductor observe and drive the run (as in campaigns). */
    static final List<NodeRole> CRASHABLE =
            List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.GPU_PROCESS, NodeRole.MIGRATION);

    private Placements() {}

    /** One fault: what the plan arms, and the same in plain words. */
    public record Placement(List<FaultPlan.Armed> armed, String describe) {}

    /** Every single-fault placement of a run whose fault-free history is {@code oracle}, of {@code steps} steps. */
    static List<Placement> of(List<TraceLine> oracle, int steps) {
        Set<String> pairs = new LinkedHashSet<>();
        for (TraceLine l : oracle) {
            if (l.step() < 1) {
                continue;
            }
            if (l instanceof TraceLine.Recv r && !r.from().equals(r.node())) {
                pairs.add(r.step() + " " + r.from() + " " + r.node());
            } else if (l instanceof TraceLine.Event e) {
                pairs.add(e.step() + " " + e.node() + " monitor");
            }
        }
        List<Placement> out = new ArrayList<>();
        for (String p : pairs) {
            String[] f = p.split(" ");
            int step = Integer.parseInt(f[0]);
            for (MessageRule.Action a : MESSAGE_FAULTS) {
                MessageRule rule = new MessageRule(a, f[1], f[2], "", 1, 1.0, 0);
                out.add(new Placement(
                        List.of(new FaultPlan.Armed(step, new FaultPlan.Messages(List.of(rule)))),
                        a.label() + " the first message " + f[1] + " -> " + f[2] + " at step " + step));
            }
        }
        for (int step = 1; step <= steps; step++) {
            for (NodeRole node : CRASHABLE) {
                out.add(new Placement(
                        List.of(
                                new FaultPlan.Armed(step, new FaultPlan.Kill(node)),
                                new FaultPlan.Armed(step, new FaultPlan.Restart(node))),
                        "crash " + node.label() + " at step " + step + " (a new incarnation at once)"));
            }
        }
        return out;
    }

    /** Every combination of 0 to {@code k} placements, in order (the empty plan first). */
    static List<List<Placement>> upTo(List<Placement> all, int k) {
        List<List<Placement>> out = new ArrayList<>();
        combine(all, k, 0, new ArrayList<>(), out);
        return out;
    }

    private static void combine(
            List<Placement> all, int k, int from, List<Placement> chosen, List<List<Placement>> out) {
        out.add(List.copyOf(chosen));
        if (chosen.size() == k) {
            return;
        }
        for (int i = from; i < all.size(); i++) {
            chosen.add(all.get(i));
            combine(all, k, i + 1, chosen, out);
            chosen.remove(chosen.size() - 1);
        }
    }

    /** The plan of {@code placements}, armed step by step. */
    static FaultPlan plan(List<Placement> placements) {
        List<FaultPlan.Armed> armed = new ArrayList<>();
        placements.forEach(p -> armed.addAll(p.armed()));
        armed.sort(java.util.Comparator.comparingInt(FaultPlan.Armed::step));
        return new FaultPlan(armed);
    }
}
