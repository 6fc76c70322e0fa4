package org.memtypelab.lab.campaign;

import java.util.List;

/**
 * A loaded campaign: its spec, the base scenario it varies, and every cell of the matrix, validated.
 *
 * @param base where the base scenario was loaded from (a bundled resource or a file)
 */
public record Campaign(CampaignSpec spec, String base, List<Cell> cells) {

    public Campaign {
        cells = List.copyOf(cells);
    }

    /** The cells that run. */
    public List<Cell.Playable> playable() {
        return cells.stream()
                .filter(c -> c instanceof Cell.Playable)
                .map(c -> (Cell.Playable) c)
                .toList();
    }

    /** Runs per playable cell, counting the oracle run. */
    public int runsPerCell() {
        return spec.faults().runsPerCell() + 1;
    }
}
