package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.memtypelab.lab.scenario.Problem;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioLoader;
import org.memtypelab.lab.scenario.YamlTree;
import org.memtypelab.lab.scenario.YamlTree.Loc;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.ScalarType;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/**
 * Expands a campaign's matrix into cells. Each cell's scenario is the base scenario's YAML tree with every matrix key
 * set to the cell's value (its {@code faults} and {@code expect} removed, its name set to the cell's), loaded by
 * {@link ScenarioLoader}, so a cell is validated exactly like a hand-written scenario. The matrix values keep their
 * locations in the spec, so a problem the loader finds at one is reported there.
 *
 * <p>A cell the loader rejects is <em>skipped</em>, with the loader's reason in campaign.json: a matrix is a cartesian
 * product, and some combinations are not configurations at all (the quirk turned off on a kernel without it, i915
 * with the base's amdgpu placement - SCENARIOS.md's own example has those). Three mistakes are the spec's alone and
 * are errors (exit 2) instead: a matrix key the scenario format does not have (reported at the key); a value the
 * loader rejects at the value itself in every cell it appears in (a typo, a wrong type, a value outside the allowed
 * set; reported at the value, with the allowed values); and a matrix in which no cell is valid.
 */
final class Cells {

    private static final int MAX_ID = 48;
    private static final int MAX_SLUG = 16;

    /** How one matrix value fared: cells with it, cells rejected at the value itself, the first such reason. */
    private static final class ValueFate {
        int cells;
        int rejectedHere;
        Loc where;
        String example;
    }

    private final CampaignSpec spec;
    private final MapNode base;
    private final String baseName;
    private final ValueFate[][] fates;

    private Cells(CampaignSpec spec, MapNode base, String baseName) {
        this.spec = spec;
        this.base = base;
        this.baseName = baseName;
        this.fates = new ValueFate[spec.matrix().size()][];
        for (int a = 0; a < fates.length; a++) {
            fates[a] = new ValueFate[spec.matrix().get(a).values().size()];
            for (int v = 0; v < fates[a].length; v++) {
                fates[a][v] = new ValueFate();
            }
        }
    }

    /** Every cell, in matrix order; throws {@link Problem} at the spec's offending matrix key or value. */
    static List<Cell> build(CampaignSpec spec, MapNode base, String baseName) {
        return new Cells(spec, base, baseName).build();
    }

    private List<Cell> build() {
        List<CampaignSpec.Axis> axes = spec.matrix();
        int total = axes.stream().mapToInt(a -> a.values().size()).reduce(1, (x, y) -> x * y);
        int width = String.valueOf(total).length();
        List<Cell> cells = new ArrayList<>();
        int[] choice = new int[axes.size()];
        for (int index = 1; index <= total; index++) {
            cells.add(cell(index, width, choice));
            next(choice, axes);
        }
        for (int a = 0; a < axes.size(); a++) {
            CampaignSpec.Axis axis = axes.get(a);
            for (int v = 0; v < fates[a].length; v++) {
                ValueFate t = fates[a][v];
                if (t.rejectedHere == t.cells) {
                    String value = CampaignSpec.Axis.show(axis.values().get(v));
                    throw new Problem(
                            t.where,
                            "matrix." + axis.key() + ": " + value + " is rejected in every cell (" + t.example + ")");
                }
            }
        }
        if (cells.stream().noneMatch(c -> c instanceof Cell.Playable)) {
            throw new Problem(
                    axes.get(0).keyLoc(),
                    "matrix: no cell makes a valid scenario with " + baseName + " (cell "
                            + cells.get(0).id() + ": " + ((Cell.Skipped) cells.get(0)).reason() + ")");
        }
        return cells;
    }

    /** The odometer: the last axis varies fastest. */
    private static void next(int[] choice, List<CampaignSpec.Axis> axes) {
        for (int a = axes.size() - 1; a >= 0; a--) {
            if (++choice[a] < axes.get(a).values().size()) {
                return;
            }
            choice[a] = 0;
        }
    }

    /** One inserted value: its axis, which value, and the node inserted (a part of a linked value). */
    private record Insert(int axis, int value, Node node) {}

    private Cell cell(int index, int width, int[] choice) {
        String number = String.format("%0" + width + "d", index);
        MapNode tree = TreeEdit.without(TreeEdit.without(base, "faults"), "expect");
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> slug = new ArrayList<>();
        List<Insert> inserts = new ArrayList<>();
        for (int a = 0; a < spec.matrix().size(); a++) {
            CampaignSpec.Axis axis = spec.matrix().get(a);
            Node value = axis.values().get(choice[a]);
            fates[a][choice[a]].cells++;
            for (int p = 0; p < axis.paths().size(); p++) {
                Node part = axis.part(value, p);
                tree = TreeEdit.set(tree, axis.paths().get(p), part, axis.keyLoc());
                inserts.add(new Insert(a, choice[a], part));
                values.put(axis.paths().get(p).toString(), JsonValues.of(part));
                if (part instanceof Scalar) {
                    slug.add(slug(part)); // a mapping or list would make an unreadable name: campaign.json has it
                }
            }
        }
        String id = number + (slug.isEmpty() ? "" : "-" + String.join("-", slug));
        if (id.length() > MAX_ID) {
            id = id.substring(0, MAX_ID).replaceAll("-+$", "");
        }
        String name = spec.name() + "/cell-" + number;
        String about = "campaign " + spec.name() + ", cell " + number + " of " + baseName
                + (values.isEmpty() ? "" : ": " + describe(values));
        tree = TreeEdit.set(tree, KeyPath.parse("name").orElseThrow(), string(name), tree.loc());
        tree = TreeEdit.set(tree, KeyPath.parse("description").orElseThrow(), string(about), tree.loc());
        try {
            Scenario scenario = ScenarioLoader.read(spec.sourceFile() + " cell " + number, tree);
            return new Cell.Playable(index, id, values, scenario, YamlTree.write(tree));
        } catch (Problem p) {
            for (Insert i : inserts) {
                CampaignSpec.Axis axis = spec.matrix().get(i.axis());
                // Compared by identity: the base scenario's nodes carry line:columns in its own file, which may
                // equal the spec's. The keys and mappings the matrix created are at the matrix key (TreeEdit).
                if (p.loc() == axis.keyLoc()) {
                    throw new Problem(axis.keyLoc(), "matrix: " + axis.key() + ": " + p.getMessage());
                }
                if (isIn(p.loc(), i.node())) {
                    ValueFate t = fates[i.axis()][i.value()];
                    t.rejectedHere++;
                    if (t.example == null) {
                        t.where = i.node().loc();
                        t.example = "cell " + id + ": " + p.getMessage();
                    }
                }
            }
            return new Cell.Skipped(index, id, values, p.getMessage());
        }
    }

    /** Whether {@code at} is the location object of {@code node} or of a key or value inside it. */
    private static boolean isIn(Loc at, Node node) {
        if (node.loc() == at) {
            return true;
        }
        if (node instanceof MapNode m) {
            return m.entries().stream().anyMatch(e -> e.keyLoc() == at || isIn(at, e.value()));
        }
        return node instanceof SeqNode s && s.items().stream().anyMatch(item -> isIn(at, item));
    }

    private static String describe(Map<String, Object> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(k + " = " + v));
        return String.join(", ", parts);
    }

    private static String slug(Node value) {
        String s = ((Scalar) value)
                .text()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9.+_]+", "-")
                .replaceAll("^-|-$", "");
        return s.length() > MAX_SLUG ? s.substring(0, MAX_SLUG).replaceAll("-+$", "") : s;
    }

    private static Scalar string(String text) {
        return new Scalar(new Loc(1, 1), text, ScalarType.STRING);
    }
}
