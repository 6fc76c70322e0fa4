package org.memtypelab.lab.run;

import java.util.List;
import java.util.Map;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.protocol.node.MonitorProtocol.MonitorReport;

/**
 * Everything a finished run produced, before it is written as result.json.
 *
 * @param incomplete why the run could not complete (empty when it did): exit 3
 * @param nodesLost nodes killed and not restarted
 * @param injected how many faults the conductor armed or injected itself, by kind
 */
public record RunOutcome(
        List<StepRecord> steps,
        MigrationOutcome migration,
        MonitorReport report,
        String incomplete,
        long wallMillis,
        List<String> nodesLost,
        Map<String, Integer> injected) {

    /** A run that ended before it started (the cluster did not form, ...). */
    public static RunOutcome failedToStart(String why) {
        return new RunOutcome(
                List.of(),
                new MigrationOutcome(MigrationOutcome.Status.NOT_ATTEMPTED, ""),
                null,
                why,
                0,
                List.of(),
                Map.of());
    }
}
