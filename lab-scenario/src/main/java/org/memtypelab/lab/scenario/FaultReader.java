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
            List.of("drop", "delay", "duplicate", "reorder", "kill", "restart", "pause", "partition", "heal", "loss");
    /** The partition shapes written as a mapping (docs/scenarios.md "Partition shapes"). */
    static final List<String> SHAPES = List.of("groups", "isolate", "minority", "bridge", "ring", "one-way");
    /** The longest a partition may hold the run, as for a pause. */
    static final long MAX_HOLD_MS = 600_000;

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
            case "loss" -> {
                Fields l = Fields.of(n, path, List.of("from", "to", "percent"));
                yield new Fault.Loss(
                        l.opt("from").map(v -> node(v, l.path("from"))),
                        l.opt("to").map(v -> node(v, l.path("to"))),
                        (int) l.integer("percent", 1, 100));
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
        if (n instanceof SeqNode) {
            return new Fault.Partition(groups(n, path));
        }
        Fields f = Fields.of(n, path, concat(SHAPES, List.of("ms")));
        List<String> given = SHAPES.stream().filter(f::has).toList();
        if (given.size() != 1) {
            throw new Problem(
                    given.isEmpty() ? f.loc() : f.keyLoc(given.get(1)),
                    path + ": give exactly one shape; allowed: [[nodes...], [nodes...]] or a mapping with one of "
                            + String.join(", ", SHAPES) + " (and ms)");
        }
        String shape = given.get(0);
        Node v = f.req(shape);
        String at = f.path(shape);
        long ms = f.optInteger("ms", 1, MAX_HOLD_MS).orElse(0L);
        return switch (shape) {
            case "groups" -> {
                List<Set<NodeRole>> groups = groups(v, at);
                yield new Fault.Partition(shape, groups, Fault.Partition.cutsBetween(groups), ms);
            }
            case "isolate" -> {
                NodeRole alone = cuttable(v, at);
                yield split(shape, List.of(EnumSet.of(alone), othersThan(EnumSet.of(alone))), ms);
            }
            case "minority" -> {
                Set<NodeRole> few = nodeSet(v, at);
                if (few.size() * 2 >= NodeRole.values().length) {
                    throw new Problem(
                            v.loc(),
                            at + ": " + few.size() + " of the " + NodeRole.values().length
                                    + " cluster members are no minority; allowed: 1 or 2 nodes");
                }
                yield split(shape, List.of(few, othersThan(few)), ms);
            }
            case "bridge" -> {
                NodeRole middle = cuttable(v, at);
                List<NodeRole> rest = othersThan(EnumSet.of(middle, NodeRole.CONDUCTOR)).stream()
                        .sorted()
                        .toList();
                Set<NodeRole> left = EnumSet.copyOf(rest.subList(0, 2));
                Set<NodeRole> right = EnumSet.copyOf(rest.subList(2, rest.size()));
                right.add(NodeRole.CONDUCTOR);
                yield split(shape, List.of(left, right), ms);
            }
            case "ring" -> ring(v, at, ms);
            case "one-way" -> oneWay(Fields.of(v, at, List.of("from", "to")), ms);
            default -> throw new IllegalStateException(shape);
        };
    }

    private static Fault.Partition split(String shape, List<Set<NodeRole>> groups, long ms) {
        return new Fault.Partition(shape, groups, Fault.Partition.cutsBetween(groups), ms);
    }

    /** A ring of nodes, each reaching only its two neighbours; nodes not in the ring reach every node. */
    private static Fault.Partition ring(Node v, String at, long ms) {
        if (!(v instanceof SeqNode seq)) {
            throw new Problem(v.loc(), at + ": expected the ring's nodes in order, found " + Values.describe(v));
        }
        List<NodeRole> ring = new ArrayList<>();
        for (Node m : seq.items()) {
            NodeRole r = cuttable(m, at);
            if (ring.contains(r)) {
                throw new Problem(m.loc(), at + ": " + r.label() + " is in the ring twice");
            }
            ring.add(r);
        }
        if (ring.size() < 4) {
            throw new Problem(
                    v.loc(),
                    at + ": a ring of " + ring.size() + " nodes cuts nothing (each reaches both others); allowed: 4"
                            + " or 5 nodes");
        }
        List<Fault.Cut> cuts = new ArrayList<>();
        int size = ring.size();
        for (int i = 0; i < size; i++) {
            for (int j = i + 2; j < size; j++) {
                if (!(i == 0 && j == size - 1)) {
                    cuts.add(new Fault.Cut(ring.get(i), ring.get(j), false));
                }
            }
        }
        return new Fault.Partition("ring", List.of(), cuts, ms);
    }

    /** What {@code from} sends never reaches {@code to}; what {@code to} sends still reaches {@code from}. */
    private static Fault.Partition oneWay(Fields f, long ms) {
        Set<NodeRole> from = nodeSet(f.req("from"), f.path("from"));
        Set<NodeRole> to = nodeSet(f.req("to"), f.path("to"));
        for (NodeRole r : to) {
            if (from.contains(r)) {
                throw new Problem(f.req("to").loc(), f.path("to") + ": " + r.label() + " is in from and to");
            }
        }
        List<Fault.Cut> cuts = new ArrayList<>();
        for (NodeRole a : from) {
            for (NodeRole b : to) {
                cuts.add(new Fault.Cut(a, b, true));
            }
        }
        return new Fault.Partition("one-way", List.of(), cuts, ms);
    }

    /** One node or a list of distinct nodes, none of them the conductor. */
    private static Set<NodeRole> nodeSet(Node v, String at) {
        Set<NodeRole> set = EnumSet.noneOf(NodeRole.class);
        if (!(v instanceof SeqNode seq)) {
            set.add(cuttable(v, at));
            return set;
        }
        if (seq.items().isEmpty()) {
            throw new Problem(v.loc(), at + ": expected at least one node");
        }
        for (Node m : seq.items()) {
            if (!set.add(cuttable(m, at))) {
                throw new Problem(m.loc(), at + ": a node is named twice");
            }
        }
        return set;
    }

    /**
     * A node a shape may cut off: any but the conductor, which drives the run and asks the monitor for the verdict, so
     * it stays on the majority side (only the {@code groups} form may place it).
     */
    private static NodeRole cuttable(Node n, String path) {
        List<NodeRole> allowed = List.copyOf(EnumSet.complementOf(EnumSet.of(NodeRole.CONDUCTOR)));
        return Values.choice(n, path, allowed, NodeRole::label);
    }

    private static Set<NodeRole> othersThan(Set<NodeRole> some) {
        return EnumSet.complementOf(EnumSet.copyOf(some));
    }

    private static List<Set<NodeRole>> groups(Node n, String path) {
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
        return result;
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
