package org.memtypelab.lab.map;

import java.util.ArrayList;
import java.util.List;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioError;

/**
 * The design-space map: every design option x kernel era x CPU x driver placement x migration policy, each played as
 * a scenario by a {@link Player}. A combination KVM or QEMU refuse (the scenario loader's exit 2: the quirk cannot be
 * disabled there) is listed as {@code n/a} with the loader's reason, and not played.
 */
public final class DesignSpace {

    /** Told after each combination: how many are done of how many, and the one just done. */
    @FunctionalInterface
    public interface Listener {
        void done(int done, int total, MapEntry entry);
    }

    private DesignSpace() {}

    /**
     * Every combination, in the map's order: design, CPU, placement, migration, then era (oldest first), so one
     * platform's kernels are neighbours. AMD plays only the status quo and the quirk opt-out: the design options
     * change vmx_get_mt_mask(), which AMD's NPT never calls (DOMAIN 9 row A, rule 6).
     */
    public static List<Combination> combinations() {
        List<Combination> out = new ArrayList<>();
        for (Axes.Design d : Axes.designs()) {
            for (Axes.Cpu cpu : Axes.CPUS) {
                if (!cpu.playsDesignOptions() && d.patch().isPresent()) {
                    continue;
                }
                for (Axes.Placement p : Axes.PLACEMENTS) {
                    for (MigrationPolicy m : Axes.migrations()) {
                        for (Axes.Era e : Axes.ERAS) {
                            out.add(new Combination(d, e, cpu, p, m));
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** Plays every combination with {@code player}. */
    public static DesignSpaceMap generate(Player player, Listener listener) {
        List<Combination> all = combinations();
        List<MapEntry> entries = new ArrayList<>(all.size());
        for (Combination c : all) {
            MapEntry e = evaluate(c, player);
            entries.add(e);
            listener.done(entries.size(), all.size(), e);
        }
        return new DesignSpaceMap(entries);
    }

    /** One combination: loaded as {@code run} loads a file, then played; refused ones are {@code n/a}. */
    static MapEntry evaluate(Combination c, Player player) {
        LoadResult loaded = c.load();
        if (loaded instanceof ScenarioError error) {
            return entry(c, MapEntry.NOT_APPLICABLE, List.of(), "-", "", List.of(error.message()), true);
        }
        Scenario s = ((LoadResult.Loaded) loaded).scenario();
        RunResult r = player.play(s);
        List<String> hazards = r.hazards().stream()
                .map(h -> h.kind() + " " + String.join("/", h.between()))
                .distinct()
                .sorted()
                .toList();
        boolean sound = r.truth() != null
                && r.truth().missed().isEmpty()
                && r.truth().falseAlarms().isEmpty();
        return entry(
                c,
                r.verdict(),
                hazards,
                r.migration().status(),
                DecidingRule.guest(r),
                DecidingRule.because(s, r),
                sound);
    }

    private static MapEntry entry(
            Combination c,
            String verdict,
            List<String> hazards,
            String migration,
            String guest,
            List<String> because,
            boolean sound) {
        return new MapEntry(
                c.design().id(),
                c.design().row(),
                c.cpu().id(),
                c.kernel(),
                c.era().range(),
                c.placement().id(),
                c.migration().label(),
                verdict,
                hazards,
                migration,
                guest,
                DecidingRule.rules(because),
                because,
                sound);
    }
}
