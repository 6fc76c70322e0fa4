package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.memtypelab.lab.scenario.Fields;
import org.memtypelab.lab.scenario.Problem;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.Values;
import org.memtypelab.lab.scenario.YamlTree;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.Loc;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.ScalarType;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/**
 * Reads a campaign spec file with the scenario loader's YAML tree, so that every mistake is reported at its line and
 * column with the allowed keys or values. Whether a matrix value makes a valid scenario is decided later, by
 * {@link Cells}, which loads every cell through the scenario loader.
 */
final class CampaignSpecReader {

    static final List<String> TOP_KEYS = List.of("name", "description", "base", "seed", "nodes", "matrix", "faults");
    static final List<String> FAULT_KEYS = List.of("random", "runs-per-cell");
    static final List<String> RANDOM_KEYS = List.of("messages", "kills", "partitions");
    /** Scenario keys a matrix may not vary, and why. */
    static final Map<String, String> FIXED_KEYS = Map.of(
            "name", "the campaign names each cell",
            "seed", "each run's seed is derived from the campaign's seed",
            "faults", "faulty runs get the spec's random faults",
            "expect", "runs are judged against the cell's fault-free oracle run");

    static final int MAX_CELLS = 10_000;
    static final int MAX_RUNS_PER_CELL = 100_000;
    /** The most runs (cells x runs-per-cell) in one campaign: about two days of runs on two cores. */
    static final long MAX_RUNS = 100_000;
    /** The longest campaign name: a cell's scenario, {@code NAME/cell-NNNNN}, stays within the scenario name limit. */
    static final int MAX_NAME_LENGTH = 100;

    static final int MAX_FAULT_PAIRS = 100;
    /** {@code runs-per-cell} when the spec has random faults but does not say. */
    static final int DEFAULT_FAULTY_RUNS = 10;

    private CampaignSpecReader() {}

    /** Reads spec text; throws {@link Problem} at the offending key or value. */
    static CampaignSpec read(String sourceName, String text) {
        Node root = YamlTree.parse(text)
                .orElseThrow(() -> new Problem(
                        new Loc(1, 1),
                        "empty campaign spec; required keys: name, base; allowed keys: "
                                + String.join(", ", TOP_KEYS)));
        Fields top = Fields.document(root, "campaign spec", TOP_KEYS);
        String name = top.name("campaign", MAX_NAME_LENGTH);
        String description = top.optString("description").orElse("");
        Node baseNode = top.req("base");
        CampaignSpec.Base base = new CampaignSpec.Base(Values.string(baseNode, "base"), baseNode.loc());
        long seed = top.optInteger("seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(Scenario.DEFAULT_SEED);
        List<CampaignSpec.Axis> matrix =
                top.opt("matrix").map(CampaignSpecReader::matrix).orElse(List.of());
        CampaignSpec.Faults faults =
                top.opt("faults").map(CampaignSpecReader::faults).orElse(CampaignSpec.Faults.NONE);
        long cells = matrix.stream().mapToLong(a -> a.values().size()).reduce(1, (x, y) -> x * y);
        if (cells * faults.runsPerCell() > MAX_RUNS) {
            Fields f = Fields.of(top.req("faults"), "faults", FAULT_KEYS);
            throw new Problem(
                    f.has("runs-per-cell") ? f.req("runs-per-cell").loc() : f.loc(),
                    "faults.runs-per-cell: " + cells + " cells x " + faults.runsPerCell() + " runs is more than "
                            + MAX_RUNS + " runs; allowed: at most " + MAX_RUNS / cells + " runs per cell (or"
                            + " split the campaign)");
        }
        String nodes = top.optChoice("nodes", CampaignSpec.NODES, n -> n).orElse(CampaignSpec.DEFAULT_NODES);
        return new CampaignSpec(name, description, base, matrix, faults, seed, sourceName, nodes);
    }

    private static List<CampaignSpec.Axis> matrix(Node node) {
        // keys are key paths, not a closed set: each is checked below instead of against a list of allowed keys
        List<Entry> entries;
        if (node instanceof MapNode m) {
            entries = m.entries();
        } else if (node instanceof Scalar s
                && (s.type() == ScalarType.NULL || s.text().isEmpty())) {
            entries = List.of();
        } else {
            throw new Problem(
                    node.loc(),
                    "matrix: expected a mapping of scenario key paths to lists of values, found "
                            + Values.describe(node));
        }
        List<CampaignSpec.Axis> axes = new ArrayList<>();
        Map<KeyPath, Loc> seen = new HashMap<>();
        long cells = 1;
        for (Entry e : entries) {
            List<KeyPath> paths = paths(e, seen);
            List<Node> values = values(e, paths.size());
            cells *= values.size();
            if (cells > MAX_CELLS) {
                throw new Problem(
                        e.keyLoc(),
                        "matrix: more than " + MAX_CELLS + " cells; allowed: at most " + MAX_CELLS
                                + " (split the campaign)");
            }
            axes.add(new CampaignSpec.Axis(e.key(), e.keyLoc(), paths, values));
        }
        return axes;
    }

    private static List<KeyPath> paths(Entry e, Map<KeyPath, Loc> seen) {
        List<KeyPath> paths = new ArrayList<>();
        for (String part : e.key().split(",", -1)) {
            KeyPath p = KeyPath.parse(part)
                    .orElseThrow(() -> new Problem(
                            e.keyLoc(),
                            "matrix: '" + e.key() + "' is not a scenario key path; allowed: " + KeyPath.SYNTAX
                                    + "; several paths varied together are separated by ','"));
            String why = FIXED_KEYS.get(p.top());
            if (why != null) {
                throw new Problem(
                        e.keyLoc(),
                        "matrix: " + p + " cannot be varied (" + why + "); allowed: any other scenario key");
            }
            for (Map.Entry<KeyPath, Loc> s : seen.entrySet()) {
                if (s.getKey().overlaps(p)) {
                    throw new Problem(
                            e.keyLoc(),
                            "matrix: " + p + " overlaps " + s.getKey() + " (line "
                                    + s.getValue().line()
                                    + "); each scenario key may be varied by one matrix entry only");
                }
            }
            seen.put(p, e.keyLoc());
            paths.add(p);
        }
        return paths;
    }

    private static List<Node> values(Entry e, int width) {
        String path = "matrix." + e.key();
        if (!(e.value() instanceof SeqNode seq) || seq.items().isEmpty()) {
            throw new Problem(
                    e.value().loc(),
                    path + ": expected a non-empty list of values, found " + Values.describe(e.value())
                            + (width > 1 ? "; allowed: a list of [" + width + " values] lists" : ""));
        }
        Map<String, Loc> seen = new HashMap<>();
        for (Node v : seq.items()) {
            if (width > 1 && (!(v instanceof SeqNode tuple) || tuple.items().size() != width)) {
                throw new Problem(
                        v.loc(),
                        path + ": expected a list of " + width + " values (one per key path), found "
                                + Values.describe(v));
            }
            if (v instanceof Scalar s && s.type() == ScalarType.NULL) {
                throw new Problem(v.loc(), path + ": expected a value, found nothing");
            }
            Loc first = seen.putIfAbsent(CampaignSpec.Axis.show(v), v.loc());
            if (first != null) {
                throw new Problem(
                        v.loc(),
                        path + ": duplicate value " + CampaignSpec.Axis.show(v) + " (first at line " + first.line()
                                + ", column " + first.column() + ")");
            }
        }
        return seq.items();
    }

    private static CampaignSpec.Faults faults(Node node) {
        Fields f = Fields.of(node, "faults", FAULT_KEYS);
        // without random faults a run per cell is a sweep; with them, one run would say little
        long dflt = f.has("random") ? DEFAULT_FAULTY_RUNS : CampaignSpec.Faults.NONE.runsPerCell();
        int runs = (int)
                f.optInteger("runs-per-cell", 1, MAX_RUNS_PER_CELL).orElse(dflt).longValue();
        if (f.opt("random").isEmpty()) {
            return new CampaignSpec.Faults(0, 0, 0, runs);
        }
        Fields r = Fields.of(f.req("random"), f.path("random"), RANDOM_KEYS);
        double messages =
                r.opt("messages").map(n -> probability(n, r.path("messages"))).orElse(0.0);
        double kills = r.opt("kills").map(n -> pairs(n, r.path("kills"))).orElse(0.0);
        double partitions =
                r.opt("partitions").map(n -> pairs(n, r.path("partitions"))).orElse(0.0);
        return new CampaignSpec.Faults(messages, kills, partitions, runs);
    }

    /** Fault pairs per run: a whole number, or a fraction (the chance of one more), 0..MAX_FAULT_PAIRS. */
    private static double pairs(Node n, String path) {
        if (n instanceof Scalar s && (s.type() == ScalarType.FLOAT || s.type() == ScalarType.INTEGER)) {
            try {
                double v = Double.parseDouble(s.text());
                if (v >= 0 && v <= MAX_FAULT_PAIRS) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new Problem(
                n.loc(),
                path + ": expected a number of pairs per run from 0 to " + MAX_FAULT_PAIRS
                        + " (a fraction is the chance of one more, e.g. 0.2)");
    }

    /** A probability in [0, 1]: {@code 0.05}, {@code 0}, {@code 1}. */
    private static double probability(Node n, String path) {
        if (n instanceof Scalar s && (s.type() == ScalarType.FLOAT || s.type() == ScalarType.INTEGER)) {
            try {
                double p = Double.parseDouble(s.text().replace("_", ""));
                if (p >= 0 && p <= 1) {
                    return p;
                }
                throw new Problem(n.loc(), path + ": " + s.text() + " is out of range; allowed: 0 to 1 (e.g. 0.05)");
            } catch (NumberFormatException e) {
                // falls through to the type error
            }
        }
        throw new Problem(
                n.loc(),
                path + ": expected a probability, found " + Values.describe(n) + "; allowed: 0 to 1 (e.g. 0.05)");
    }
}
