package org.memtypelab.lab.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.memslot.Errno;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/** Reads {@code expect}: verdict, hazards on allocated buffers, migration outcome and errno per step. */
final class ExpectReader {

    /** The values {@code expect.errno} accepts: 0 (success) or the name of an errno an ioctl returns. */
    private static final List<String> ERRNO_VALUES = Stream.concat(
                    Stream.of("0"), Arrays.stream(Errno.values()).map(Errno::name))
            .toList();

    private static final String ERRNO_ALLOWED = String.join(", ", ERRNO_VALUES);

    /** The outcomes a run can be expected to have; not-attempted is what a run without a migrate step reports. */
    private static final List<MigrationOutcome.Status> MIGRATION_OUTCOMES =
            List.copyOf(EnumSet.complementOf(EnumSet.of(MigrationOutcome.Status.NOT_ATTEMPTED)));

    private ExpectReader() {}

    static Expect read(Node node, List<Step> steps, Set<String> buffers) {
        Fields f = Fields.of(node, "expect", List.of("verdict", "hazards", "migration", "errno"));
        Optional<Verdict> verdict = f.optChoice("verdict", List.of(Verdict.values()), Verdict::label);
        List<ExpectedHazard> hazards = f.opt("hazards")
                .map(n -> hazards(n, f.path("hazards"), buffers))
                .orElse(List.of());
        Optional<MigrationOutcome.Status> migration =
                f.optChoice("migration", MIGRATION_OUTCOMES, MigrationOutcome.Status::label);
        Map<String, String> errno =
                f.opt("errno").map(n -> errno(n, f.path("errno"), steps)).orElse(Map.of());
        return new Expect(verdict, hazards, migration, errno);
    }

    private static List<ExpectedHazard> hazards(Node node, String path, Set<String> buffers) {
        if (!(node instanceof SeqNode seq)) {
            throw new Problem(
                    node.loc(), path + ": expected a list of {buffer, between, kind}, found " + Values.describe(node));
        }
        List<ExpectedHazard> result = new ArrayList<>();
        for (Node item : seq.items()) {
            Fields h = Fields.of(item, path + "[" + (result.size() + 1) + "]", List.of("buffer", "between", "kind"));
            Node bn = h.req("buffer");
            String buffer = Values.string(bn, h.path("buffer"));
            if (!buffers.contains(buffer)) {
                throw new Problem(
                        bn.loc(),
                        h.path("buffer") + ": buffer '" + buffer + "' is not allocated by any step; allowed: "
                                + String.join(", ", buffers));
            }
            Set<Who> between = between(h.req("between"), h.path("between"));
            Optional<Hazard.Kind> kind = h.optChoice("kind", List.of(Hazard.Kind.values()), Hazard.Kind::label);
            result.add(new ExpectedHazard(buffer, between, kind));
        }
        return result;
    }

    private static Set<Who> between(Node node, String path) {
        String allowed = "; allowed: two of " + Who.allowed();
        if (!(node instanceof SeqNode seq) || seq.items().size() != 2) {
            throw new Problem(
                    node.loc(),
                    path + ": expected a list of two mappings (who), found " + Values.describe(node) + allowed);
        }
        Set<Who> who = EnumSet.noneOf(Who.class);
        for (Node item : seq.items()) {
            if (!who.add(Values.choice(item, path, List.of(Who.values()), Who::label))) {
                throw new Problem(item.loc(), path + ": a hazard is between two different mappings" + allowed);
            }
        }
        return who;
    }

    /** Keys are step references, stored in canonical {@code kind#ordinal} form; values are 0 or an errno name. */
    private static Map<String, String> errno(Node node, String path, List<Step> steps) {
        if (!(node instanceof MapNode map)) {
            throw new Problem(
                    node.loc(),
                    path + ": expected a mapping of step (KIND#ORDINAL or step number) to " + "errno, found "
                            + Values.describe(node) + "; allowed values: " + ERRNO_ALLOWED);
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Entry e : map.entries()) {
            Fault.Trigger ref = StepRefs.parse(e.key(), e.keyLoc(), path);
            StepRefs.requireExists(ref, steps, e.keyLoc(), path);
            int number = ref.resolve(steps).orElseThrow();
            Step step = steps.get(number - 1);
            String canonical = new Fault.AtKind(step.kind(), ordinalOf(steps, number)).toString();
            if (result.containsKey(canonical)) {
                throw new Problem(
                        e.keyLoc(),
                        path + ": " + e.key() + " names the same step as an earlier key (" + canonical + ")");
            }
            String value = Values.string(e.value(), path + "." + e.key()).trim().toUpperCase(Locale.ROOT);
            if (!ERRNO_VALUES.contains(value)) {
                throw new Problem(
                        e.value().loc(),
                        path + "." + e.key() + ": '" + value + "' is not 0 or an errno name; allowed: "
                                + ERRNO_ALLOWED);
            }
            result.put(canonical, value);
        }
        return result;
    }

    private static int ordinalOf(List<Step> steps, int number) {
        int ordinal = 0;
        for (int i = 0; i < number; i++) {
            if (steps.get(i).kind() == steps.get(number - 1).kind()) {
                ordinal++;
            }
        }
        return ordinal;
    }
}
