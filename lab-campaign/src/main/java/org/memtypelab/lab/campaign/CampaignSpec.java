package org.memtypelab.lab.campaign;

import java.util.List;
import org.memtypelab.lab.scenario.YamlTree;
import org.memtypelab.lab.scenario.YamlTree.Loc;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.Scalar;
import org.memtypelab.lab.scenario.YamlTree.ScalarType;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/**
 * A campaign spec file (SCENARIOS.md "Campaign spec"): a base scenario, a matrix of scenario keys to vary, and the
 * random faults every run of every cell gets.
 *
 * @param matrix the axes in file order; the cells are their cartesian product, the last axis varying fastest
 * @param seed the campaign seed; every run's seed is derived from it, the cell and the run ({@link RunSeeds})
 * @param sourceFile where the spec was loaded from, for messages
 */
public record CampaignSpec(
        String name,
        String description,
        Base base,
        List<Axis> matrix,
        Faults faults,
        long seed,
        String sourceFile,
        String nodes) {

    /** Where a campaign's runs play unless the spec or {@code --nodes} says otherwise. */
    public static final String DEFAULT_NODES = "embedded";

    /** The values of {@code nodes}. */
    public static final List<String> NODES = List.of("embedded", "processes", "sim");

    public CampaignSpec {
        matrix = List.copyOf(matrix);
    }

    /** The {@code base} value as written: a bundled scenario name or a file, and where it was written. */
    public record Base(String ref, Loc loc) {}

    /**
     * One matrix entry. Usually one key path ({@code platform.kvm}); a key naming several paths separated by commas
     * ({@code "gpu-process.driver, steps[1].allocate.placement"}) is a linked axis whose values are lists giving one
     * value per path, for settings that only make sense together.
     *
     * @param paths the key paths, each a list of segments ({@code steps[1]} becomes {@code steps}, {@code [1]})
     * @param values the values as YAML nodes (kept with their location); one list per value on a linked axis
     */
    public record Axis(String key, Loc keyLoc, List<KeyPath> paths, List<Node> values) {
        public Axis {
            paths = List.copyOf(paths);
            values = List.copyOf(values);
        }

        /** The value for {@code paths().get(i)} from one of {@link #values()}. */
        public Node part(Node value, int i) {
            return paths.size() == 1 ? value : ((SeqNode) value).items().get(i);
        }

        /** A value for messages: a string quoted where YAML needs it, another scalar as written ({@code off}). */
        static String show(Node value) {
            return value instanceof Scalar s && s.type() != ScalarType.STRING ? s.text() : YamlTree.flow(value);
        }
    }

    /**
     * The random faults of every faulty run, and how many faulty runs a cell gets (besides its fault-free oracle).
     *
     * @param messages probability with which each message is dropped, and independently delayed, duplicated,
     *     reordered; 0 for none
     * @param kills kill+restart pairs per run; a fraction is the chance of one more pair ({@code 0.2}: one run in five
     *     gets a kill), so a large campaign can afford kills, each of which costs a membership change
     * @param partitions partition+heal pairs per run, a fraction read the same way
     * @param runsPerCell faulty runs per cell; default 10 with {@code random} faults, else 1
     */
    public record Faults(double messages, double kills, double partitions, int runsPerCell) {

        /** No faults; one run per cell besides the oracle. */
        public static final Faults NONE = new Faults(0, 0, 0, 1);

        /** True when runs get no faults at all (they should then agree with the oracle exactly). */
        public boolean none() {
            return messages == 0 && kills == 0 && partitions == 0;
        }
    }
}
