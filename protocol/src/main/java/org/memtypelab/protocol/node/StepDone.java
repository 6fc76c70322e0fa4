package org.memtypelab.protocol.node;

import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.protocol.CborSerializable;

/**
 * A node's answer to one step.
 *
 * @param ioctl what a memslot step's ioctl returned (0 or an errno); {@link IoctlAnswer.NoIoctl} for other steps
 * @param migration the migration outcome for {@code migrate}, NOT_ATTEMPTED otherwise
 * @param lamport the replier's Lamport clock after acting
 * @param answers the command this answers, as the replier traced it (empty when not needed)
 */
public record StepDone(
        int step,
        String node,
        boolean ok,
        String detail,
        IoctlAnswer ioctl,
        MigrationOutcome migration,
        long lamport,
        String answers)
        implements CborSerializable {

    public static StepDone of(Stamp s, String node, boolean ok, String detail, long lamport) {
        return new StepDone(
                s.step(),
                node,
                ok,
                detail,
                new IoctlAnswer.NoIoctl(),
                new MigrationOutcome(MigrationOutcome.Status.NOT_ATTEMPTED, ""),
                lamport,
                "");
    }

    public StepDone withIoctl(IoctlAnswer answer) {
        return new StepDone(step, node, ok, detail, answer, migration, lamport, answers);
    }

    /** Names the command this answers ({@code start-dirty-log b0}), so an asker can drop late answers to others. */
    public StepDone answering(String what) {
        return new StepDone(step, node, ok, detail, ioctl, migration, lamport, what);
    }
}
