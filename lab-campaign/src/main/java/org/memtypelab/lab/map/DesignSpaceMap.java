package org.memtypelab.lab.map;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The played map: one entry per combination, in {@link DesignSpace#combinations()} order. */
public record DesignSpaceMap(List<MapEntry> entries) {

    public DesignSpaceMap {
        entries = List.copyOf(entries);
    }

    /** How one design fared over the platforms where it could be played. */
    public record Tally(String design, String row, int played, int coherent, Map<String, Integer> verdicts) {

        /** Whether the design is coherent on every platform it was played on. */
        public boolean coherentEverywhere() {
            return played > 0 && coherent == played;
        }
    }

    /** Per design, in map order: combinations played (n/a left out), coherent ones, and the count per verdict. */
    public List<Tally> tallies() {
        Map<String, Tally> out = new LinkedHashMap<>();
        for (MapEntry e : entries) {
            Tally t = out.getOrDefault(e.design(), new Tally(e.design(), e.row(), 0, 0, new TreeMap<>()));
            if (MapEntry.NOT_APPLICABLE.equals(e.verdict())) {
                out.put(e.design(), t);
                continue;
            }
            Map<String, Integer> verdicts = new TreeMap<>(t.verdicts());
            verdicts.merge(e.verdict(), 1, Integer::sum);
            out.put(
                    e.design(),
                    new Tally(t.design(), t.row(), t.played() + 1, t.coherent() + (e.coherent() ? 1 : 0), verdicts));
        }
        return List.copyOf(out.values());
    }

    /** Entries whose run the monitor judged against its traces and got wrong (missed or invented a hazard). */
    public List<MapEntry> unsound() {
        return entries.stream().filter(e -> !e.sound()).toList();
    }

    /** Combinations played (not refused). */
    public long played() {
        return entries.stream()
                .filter(e -> !MapEntry.NOT_APPLICABLE.equals(e.verdict()))
                .count();
    }
}
