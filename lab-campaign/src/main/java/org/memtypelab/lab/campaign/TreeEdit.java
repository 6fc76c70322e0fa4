package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.List;
import org.memtypelab.lab.scenario.Problem;
import org.memtypelab.lab.scenario.Values;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.Loc;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.ScalarType;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/**
 * Sets one key path of a scenario's YAML tree to a value, as a new tree (the trees are immutable). Missing mappings
 * on the way are created ({@code platform.kvm} on a base without {@code platform}); a list item must exist. The value
 * keeps its own locations, and a key or mapping the edit creates is located where the edit was asked for, so the
 * scenario loader reports a problem with either at its origin (for a campaign cell, the spec's matrix).
 */
final class TreeEdit {

    private final KeyPath path;
    private final Loc where;

    private TreeEdit(KeyPath path, Loc where) {
        this.path = path;
        this.where = where;
    }

    /**
     * Sets {@code path} in {@code root} to {@code value}.
     *
     * @param where the location of the keys and mappings the edit creates, and reported when the path does not fit
     *     the tree (a key below a scalar, an item past a list's end)
     */
    static MapNode set(MapNode root, KeyPath path, Node value, Loc where) {
        return (MapNode) new TreeEdit(path, where).set(root, 0, value);
    }

    /** {@code root} without its top-level {@code key}. */
    static MapNode without(MapNode root, String key) {
        return new MapNode(
                root.loc(),
                root.entries().stream().filter(e -> !e.key().equals(key)).toList());
    }

    private Node set(Node node, int i, Node value) {
        if (i == path.segments().size()) {
            return value;
        }
        KeyPath.Segment s = path.segments().get(i);
        if (s instanceof KeyPath.Key k) {
            MapNode map = asMap(node, i);
            List<Entry> entries = new ArrayList<>(map.entries());
            int at = indexOf(entries, k.name());
            if (at < 0) {
                entries.add(new Entry(k.name(), where, set(emptyMap(where), i + 1, value)));
            } else {
                Entry old = entries.get(at);
                entries.set(at, new Entry(old.key(), old.keyLoc(), set(old.value(), i + 1, value)));
            }
            return new MapNode(map.loc(), entries);
        }
        int n = ((KeyPath.Item) s).number();
        if (!(node instanceof SeqNode seq)) {
            throw new Problem(where, prefix(i) + " is " + Values.describe(node) + " in the base scenario, not a list");
        }
        if (n > seq.items().size()) {
            throw new Problem(
                    where,
                    prefix(i) + " has " + seq.items().size() + " items in the base scenario; allowed: [1] to ["
                            + seq.items().size() + "]");
        }
        List<Node> items = new ArrayList<>(seq.items());
        items.set(n - 1, set(items.get(n - 1), i + 1, value));
        return new SeqNode(seq.loc(), items);
    }

    /** A mapping, or an empty value standing for one ({@code qemu:} or {@code qemu: ~}), as the loader reads it. */
    private MapNode asMap(Node node, int i) {
        if (node instanceof MapNode m) {
            return m;
        }
        if (node instanceof Scalar s && (s.type() == ScalarType.NULL || s.text().isEmpty())) {
            return emptyMap(s.loc());
        }
        throw new Problem(where, prefix(i) + " is " + Values.describe(node) + " in the base scenario, not a mapping");
    }

    private String prefix(int i) {
        return i == 0 ? "the scenario" : new KeyPath(path.segments().subList(0, i)).toString();
    }

    private static MapNode emptyMap(Loc loc) {
        return new MapNode(loc, List.of());
    }

    private static int indexOf(List<Entry> entries, String key) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }
}
