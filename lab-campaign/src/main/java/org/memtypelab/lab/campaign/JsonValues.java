package org.memtypelab.lab.campaign;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.memtypelab.lab.scenario.Values;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/** A matrix value as campaign.json shows it: integers and booleans typed, everything else as written. */
final class JsonValues {

    private JsonValues() {}

    static Object of(Node node) {
        if (node instanceof MapNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Entry e : m.entries()) {
                out.put(e.key(), of(e.value()));
            }
            return out;
        }
        if (node instanceof SeqNode s) {
            return s.items().stream().map(JsonValues::of).toList();
        }
        Scalar s = (Scalar) node;
        return switch (s.type()) {
            case INTEGER -> {
                OptionalLong v = Values.parseInteger(s.text());
                yield v.isPresent() ? (Object) v.getAsLong() : s.text();
            }
            case BOOLEAN ->
                switch (s.text().trim().toLowerCase(Locale.ROOT)) {
                    case "true", "on", "yes", "y" -> true;
                    default -> false;
                };
            case NULL -> null;
            // a float is shown as written: an unquoted kvm: 6.10 is the string "6.10" to the loader too
            default -> s.text();
        };
    }
}
