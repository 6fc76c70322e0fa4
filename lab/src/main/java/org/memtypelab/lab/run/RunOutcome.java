package org.memtypelab.lab.run;

import java.util.List;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.protocol.node.MonitorProtocol.MonitorReport;

/**
 * Everything a finished run produced, before it is written as result.json.
 *
 * @param incomplete why the run could not complete (empty when it did): exit 3
 */
public record RunOutcome(
        List<StepRecord> steps, MigrationOutcome migration, MonitorReport report, String incomplete, long wallMillis) {}
