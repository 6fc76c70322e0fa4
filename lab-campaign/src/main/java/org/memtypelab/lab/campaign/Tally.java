package org.memtypelab.lab.campaign;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.memtypelab.core.coherency.Verdict;

/** The runs of a campaign finished so far, by cell; shared by the workers. */
final class Tally {

    /** Running totals for the progress display. */
    record Counters(int done, int total, int hazardRuns, int missed, int falseHazards, int exit3) {

        static Counters of(List<CellResult> cells, int done, int total) {
            int hazards = 0;
            int missed = 0;
            int falseHazards = 0;
            int exit3 = 0;
            for (CellResult c : cells) {
                hazards += c.verdicts().get(Verdict.HAZARD);
                missed += c.missed().size();
                falseHazards += c.falseHazards().size();
                exit3 += c.exit3();
            }
            return new Counters(done, total, hazards, missed, falseHazards, exit3);
        }
    }

    private final Campaign campaign;
    private final Map<Integer, RunRecord> oracles = new HashMap<>();
    private final Map<Integer, TreeMap<Integer, RunRecord>> runs = new HashMap<>();
    private int done;

    Tally(Campaign campaign) {
        this.campaign = campaign;
    }

    /** Adds a finished run; true when it was the last run of its cell. */
    synchronized boolean add(RunRecord r) {
        if (r.oracle()) {
            oracles.put(r.cell(), r);
        } else {
            runs.computeIfAbsent(r.cell(), c -> new TreeMap<>()).put(r.run(), r);
        }
        done++;
        return oracles.containsKey(r.cell())
                && runs.getOrDefault(r.cell(), new TreeMap<>()).size()
                        == campaign.spec().faults().runsPerCell();
    }

    /** Every cell, in matrix order, with the runs finished so far. */
    synchronized List<CellResult> cells() {
        List<CellResult> out = new ArrayList<>();
        for (Cell c : campaign.cells()) {
            out.add(new CellResult(
                    c,
                    Optional.ofNullable(oracles.get(c.index())),
                    List.copyOf(runs.getOrDefault(c.index(), new TreeMap<>()).values())));
        }
        return out;
    }

    synchronized Counters counters() {
        return Counters.of(cells(), done, campaign.playable().size() * campaign.runsPerCell());
    }
}
