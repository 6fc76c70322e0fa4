package org.memtypelab.protocol.node;

import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.protocol.CborSerializable;

/**
 * A node's answer to one step.
 *
 * @param errno the ioctl answer for memslot steps ({@code 0} or an errno name), empty for other steps
 * @param migration the migration outcome for {@code migrate}, NOT_ATTEMPTED otherwise
 * @param lamport the replier's Lamport clock after acting
 */
public record StepDone(
        int step, String node, boolean ok, String detail, String errno, MigrationOutcome migration, long lamport)
        implements CborSerializable {

    public static StepDone of(Stamp s, String node, boolean ok, String detail, long lamport) {
        return new StepDone(
                s.step(),
                node,
                ok,
                detail,
                "",
                new MigrationOutcome(MigrationOutcome.Status.NOT_ATTEMPTED, ""),
                lamport);
    }

    public StepDone withErrno(String e) {
        return new StepDone(step, node, ok, detail, e, migration, lamport);
    }
}
