package org.memtypelab.lab.campaign;

import java.util.List;

/**
 * A campaign's outcome: every cell with the runs that finished, and how the campaign itself went.
 *
 * @param interrupted stopped early (Ctrl-C): the cells hold the runs that finished before
 * @param clustersFormed workers whose cluster formed; 0 means nothing could run (exit 3)
 * @param clusterErrors why clusters did not form or were replaced
 * @param clusterRestarts clusters replaced after runs kept failing on them
 * @param clusterProbes fault-free probe runs played to check a cluster after a streak of incomplete runs
 */
public record CampaignResult(
        Campaign campaign,
        List<CellResult> cells,
        boolean interrupted,
        int parallel,
        String nodes,
        int clustersFormed,
        List<String> clusterErrors,
        int clusterRestarts,
        int clusterProbes,
        long wallMillis) {

    /** Exit code 0: nothing missed, nothing false. */
    public static final int OK = 0;
    /** Exit code 1: some run missed an oracle hazard or reported a false one, or an oracle run did not complete. */
    public static final int MISMATCH = 1;
    /** Exit code 3: no cluster formed, nothing ran. */
    public static final int NO_CLUSTER = 3;

    public CampaignResult {
        cells = List.copyOf(cells);
        clusterErrors = List.copyOf(clusterErrors);
    }

    /** SCENARIOS.md exit codes, for a campaign. */
    public int exitCode() {
        if (clustersFormed == 0 && !campaign.playable().isEmpty()) {
            return NO_CLUSTER;
        }
        return cells.stream().anyMatch(CellResult::failed) ? MISMATCH : OK;
    }

    /** Runs planned, oracle runs included. */
    public int runsPlanned() {
        return campaign.playable().size() * campaign.runsPerCell();
    }

    /** Runs finished, oracle runs included. */
    public int runsDone() {
        return cells.stream()
                .mapToInt(c -> c.runs().size() + (c.oracle().isPresent() ? 1 : 0))
                .sum();
    }
}
