package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memtypelab.lab.scenario.YamlTree;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

class YamlWriterTest {

    @Test
    void everyScalarKeepsItsTypeAndTextThroughWritingAndReading() {
        MapNode tree = parse("""
                strings: ["off", "6.10", "0xab", "yes", "a: b", "#x", "multi\\nline", "", "tab\\there", "ünï", "[x]"]
                plain: [off, 6.10, 0xab, yes, 12, -3, 1.5, ~, true, gtt-uswc, 2MiB]
                "odd key: #1": {on: 1, "": 2}
                nested:
                  deeper: {list: [[1, "2"], {k: v}], empty: {}, none: []}
                """);

        YamlWriter.Rendered written = YamlWriter.render(tree, List.of("a header: with # and 'quotes'"));
        MapNode again = parse(written.text());

        assertThat(shape(again)).as(written.text()).isEqualTo(shape(tree));
    }

    @Test
    void keyLocationsPointAtTheWrittenKeys() {
        MapNode tree = parse("a: {b: [1, {c: 2}]}\nd: x\n");
        YamlWriter.Rendered written = YamlWriter.render(tree, List.of());
        MapNode again = parse(written.text());

        Entry c = ((MapNode) ((SeqNode) ((MapNode) tree.entries().get(0).value())
                                .entries()
                                .get(0)
                                .value())
                        .items()
                        .get(1))
                .entries()
                .get(0);
        Entry cAgain = ((MapNode) ((SeqNode) ((MapNode) again.entries().get(0).value())
                                .entries()
                                .get(0)
                                .value())
                        .items()
                        .get(1))
                .entries()
                .get(0);
        assertThat(written.keyLocs().get(c)).isEqualTo(cAgain.keyLoc());
        assertThat(written.keyLocs().get(tree.entries().get(1)))
                .isEqualTo(again.entries().get(1).keyLoc());
    }

    private static MapNode parse(String text) {
        return (MapNode) YamlTree.parse(text).orElseThrow();
    }

    /** The tree without locations: every scalar as type:text. */
    private static Object shape(Node n) {
        if (n instanceof Scalar s) {
            return s.type() == YamlTree.ScalarType.NULL ? "NULL" : s.type() + ":" + s.text();
        }
        List<Object> out = new ArrayList<>();
        if (n instanceof MapNode m) {
            for (Entry e : m.entries()) {
                out.add(List.of(e.key(), shape(e.value())));
            }
        } else {
            ((SeqNode) n).items().forEach(i -> out.add(shape(i)));
        }
        return out;
    }
}
