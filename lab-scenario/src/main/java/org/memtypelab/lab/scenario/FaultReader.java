package org.memtypelab.lab.scenario;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;
import org.memtypelab.protocol.NodeRole;

/** Reads the {@code faults} list: a trigger ({@code at} or {@code step}) and exactly one action per entry. */
final class FaultReader {

    private static final List<String> TRIGGERS = List.of("at", "step");
    private static final List<String> ACTIONS =
            List.of("drop", "delay", "duplicate", "reorder", "kill", "restart", "pause", "partition", "heal");
    private static final List<String> KEYS = concat(TRIGGERS, ACTIONS);
    /** The most faults in one scenario: as many as it may have steps. */
    static final int MAX_FAULTS = StepReader.MAX_STEPS;

    private FaultReader() {}

    static List<Fault> read(Node node, List<Step> steps) {
        if (!(node instanceof SeqNode seq)) {
            throw new Problem(node.loc(), "faults: expected a list of faults, found " + Values.describe(node));
        }
        if (seq.items().size() > MAX_FAULTS) {
            throw new Problem(
                    seq.items().get(MAX_FAULTS).loc(),
                    "faults: more than " + MAX_FAULTS + " faults; allowed: at most " + MAX_FAULTS);
        }
        List<Fault> faults = new ArrayList<>();
        for (Node item : seq.items()) {
            faults.add(fault(Fields.of(item, "faults[" + (faults.size() + 1) + "]", KEYS), steps));
        }
        return faults;
    }

    private static Fault fault(Fields f, List<Step> steps) {
        List<String> triggers = TRIGGERS.stream().filter(f::has).toList();
        if (triggers.size() != 1) {
            throw new Problem(
                    triggers.isEmpty() ? f.loc() : f.keyLoc(triggers.get(1)),
                    f.path() + ": give exactly one trigger; allowed: at: STEP-KIND[#ordinal], step: N");
        }
        String tk = triggers.get(0);
        Node tn = f.req(tk);
        Fault.Trigger trigger = tk.equals("at")
                ? StepRefs.parse(Values.string(tn, f.path("at")), tn.loc(), f.path("at"))
                : new Fault.AtStep((int) Values.integer(tn, f.path("step"), 1, Integer.MAX_VALUE));
        StepRefs.requireExists(trigger, steps, tn.loc(), f.path(tk));
        List<String> actions = ACTIONS.stream().filter(f::has).toList();
        if (actions.size() != 1) {
            throw new Problem(
                    actions.isEmpty() ? f.loc() : f.keyLoc(actions.get(1)),
                    f.path() + ": give exactly one action; allowed: " + String.join(", ", ACTIONS));
        }
        return new Fault(trigger, action(actions.get(0), f));
    }

    private static Fault.Action action(String key, Fields f) {
        Node n = f.req(key);
        String path = f.path(key);
        return switch (key) {
            case "drop" -> new Fault.Drop(messages(Fields.of(n, path, List.of("from", "to", "count"))));
            case "duplicate" -> new Fault.Duplicate(messages(Fields.of(n, path, List.of("from", "to", "count"))));
            case "reorder" -> new Fault.Reorder(messages(Fields.of(n, path, List.of("from", "to", "count"))));
            case "delay" -> {
                Fields d = Fields.of(n, path, List.of("from", "to", "count", "ms"));
                yield new Fault.Delay(messages(d), d.integer("ms", 1, 3_600_000));
            }
            case "kill" -> new Fault.Kill(stoppable(n, path));
            case "restart" -> new Fault.Restart(stoppable(n, path));
            case "pause" -> {
                Fields p = Fields.of(n, path, List.of("node", "ms"));
                yield new Fault.Pause(stoppable(p.req("node"), p.path("node")), p.integer("ms", 1, 600_000));
            }
            case "partition" -> partition(n, path);
            case "heal" -> {
                Fields.of(n, path, List.of());
                yield new Fault.Heal();
            }
            default -> throw new IllegalStateException(key);
        };
    }

    private static Fault.Messages messages(Fields f) {
        Optional<NodeRole> from = f.opt("from").map(n -> node(n, f.path("from")));
        Optional<NodeRole> to = f.opt("to").map(n -> node(n, f.path("to")));
        int count = (int) f.optInteger("count", 1, Integer.MAX_VALUE).orElse(1L).longValue();
        return new Fault.Messages(from, to, count);
    }

    /** A node that may be killed or restarted: any but the conductor, which drives the run itself. */
    private static NodeRole stoppable(Node n, String path) {
        List<NodeRole> allowed = List.copyOf(EnumSet.complementOf(EnumSet.of(NodeRole.CONDUCTOR)));
        return Values.choice(n, path, allowed, NodeRole::label);
    }

    private static Fault.Action partition(Node n, String path) {
        String shape = "; allowed: [[nodes...], [nodes...]] with nodes from " + nodeNames();
        if (!(n instanceof SeqNode groups) || groups.items().size() < 2) {
            throw new Problem(
                    n.loc(), path + ": expected at least two groups of nodes, found " + Values.describe(n) + shape);
        }
        List<Set<NodeRole>> result = new ArrayList<>();
        Set<NodeRole> seen = EnumSet.noneOf(NodeRole.class);
        for (Node g : groups.items()) {
            if (!(g instanceof SeqNode members) || members.items().isEmpty()) {
                throw new Problem(
                        g.loc(), path + ": expected a non-empty list of nodes, found " + Values.describe(g) + shape);
            }
            Set<NodeRole> group = EnumSet.noneOf(NodeRole.class);
            for (Node m : members.items()) {
                NodeRole name = node(m, path);
                if (!seen.add(name)) {
                    throw new Problem(m.loc(), path + ": " + name.label() + " is in more than one group");
                }
                group.add(name);
            }
            result.add(group);
        }
        return new Fault.Partition(result);
    }

    private static NodeRole node(Node n, String path) {
        return Values.choice(n, path, List.of(NodeRole.values()), NodeRole::label);
    }

    private static String nodeNames() {
        return String.join(
                ", ", List.of(NodeRole.values()).stream().map(NodeRole::label).toList());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
