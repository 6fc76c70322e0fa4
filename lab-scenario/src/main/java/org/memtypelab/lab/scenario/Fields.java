package org.memtypelab.lab.scenario;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.Loc;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.ScalarType;

/**
 * The keys of one YAML mapping, checked against the keys it may have (unknown keys are errors, as with Jackson's
 * FAIL_ON_UNKNOWN_PROPERTIES, but reported with the key's own location and the allowed keys).
 */
public final class Fields {

    private final MapNode map;
    private final String path;

    private Fields(MapNode map, String path) {
        this.map = map;
        this.path = path;
    }

    /**
     * The top level of a document ({@code what}: "scenario file", "campaign spec"): a mapping with {@code allowed}
     * keys, or a problem at the root saying what it found.
     */
    public static Fields document(Node root, String what, List<String> allowed) {
        if (!(root instanceof YamlTree.MapNode)) {
            throw new Problem(
                    root.loc(),
                    "a " + what + " is a mapping with keys " + String.join(", ", allowed) + "; found "
                            + Values.describe(root));
        }
        return of(root, "", allowed);
    }

    /**
     * The required {@code name}: lower-case letters, digits, '-' and '/' ({@code what}: "scenario", "campaign"), at
     * most {@code maxLength} characters (a name becomes a directory name).
     */
    public String name(String what, int maxLength) {
        Node nameNode = req("name");
        String name = Values.string(nameNode, "name");
        if (name.length() > maxLength) {
            throw new Problem(
                    nameNode.loc(),
                    "name: the " + what + " name is " + name.length() + " characters long; allowed: at most "
                            + maxLength);
        }
        if (!org.memtypelab.lab.scenario.Scenario.NAME.matcher(name).matches()) {
            throw new Problem(
                    nameNode.loc(),
                    "name: '" + name + "' is not a " + what + " name; allowed: lower-case letters, digits, '-' and '/'"
                            + " ([a-z0-9-/]+)");
        }
        return name;
    }

    /**
     * Reads {@code node} as a mapping with only {@code allowed} keys. An empty value ({@code key:} or {@code ~})
     * counts as an empty mapping.
     */
    public static Fields of(Node node, String path, List<String> allowed) {
        MapNode map;
        if (node instanceof MapNode m) {
            map = m;
        } else if (node instanceof Scalar s && (s.type() == ScalarType.NULL || isEmptyString(s))) {
            map = new MapNode(node.loc(), List.of());
        } else {
            throw new Problem(
                    node.loc(),
                    path + ": expected a mapping with keys " + String.join(", ", allowed) + ", found "
                            + Values.describe(node));
        }
        for (Entry e : map.entries()) {
            if (!allowed.contains(e.key())) {
                throw new Problem(
                        e.keyLoc(),
                        (path.isEmpty() ? "" : path + ": ") + "unknown key '" + e.key() + "'; allowed keys: "
                                + (allowed.isEmpty() ? "none (write {})" : String.join(", ", allowed)));
            }
        }
        return new Fields(map, path);
    }

    private static boolean isEmptyString(Scalar s) {
        return s.type() == ScalarType.STRING && s.text().isEmpty();
    }

    /** The dotted path of a key of this mapping, for messages. */
    public String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public String path() {
        return path;
    }

    public Loc loc() {
        return map.loc();
    }

    public boolean has(String key) {
        return map.get(key).isPresent();
    }

    public List<Entry> entries() {
        return map.entries();
    }

    public Optional<Node> opt(String key) {
        return map.get(key).map(Entry::value);
    }

    /** The value of a required key; a missing key is reported at the start of the mapping. */
    public Node req(String key) {
        return opt(key).orElseThrow(() ->
                new Problem(map.loc(), (path.isEmpty() ? "" : path + ": ") + "missing required key '" + key + "'"));
    }

    /** Where the key itself was written (for errors about the key rather than its value). */
    public Loc keyLoc(String key) {
        return map.get(key).map(Entry::keyLoc).orElse(map.loc());
    }

    public String string(String key) {
        return Values.string(req(key), path(key));
    }

    public Optional<String> optString(String key) {
        return opt(key).map(n -> Values.string(n, path(key)));
    }

    public long integer(String key, long min, long max) {
        return Values.integer(req(key), path(key), min, max);
    }

    public Optional<Long> optInteger(String key, long min, long max) {
        return opt(key).map(n -> Values.integer(n, path(key), min, max));
    }

    /** The value of an optional key that must be one of {@code values}, as {@code label} writes them. */
    public <T> Optional<T> optChoice(String key, List<T> values, Function<T, String> label) {
        return opt(key).map(n -> Values.choice(n, path(key), values, label));
    }

    public boolean bool(String key, boolean dflt) {
        return opt(key).map(n -> Values.bool(n, path(key))).orElse(dflt);
    }
}
