package org.memtypelab.protocol.node;

import org.memtypelab.protocol.CborSerializable;

/**
 * The conductor's step number, the sender's Lamport clock, the sender's node name and the run, carried by every
 * command (DESIGN.md traces). The sender is where replies go, so faults on replies can name their receiver; the run
 * lets a node ignore a delayed or duplicated command of an earlier run on a reused cluster.
 */
public record Stamp(int step, long lamport, String from, String runId) implements CborSerializable {

    /** A stamp from the conductor, outside any particular run (tests). */
    public Stamp(int step, long lamport) {
        this(step, lamport, "conductor");
    }

    /** A stamp outside any particular run (tests). */
    public Stamp(int step, long lamport, String from) {
        this(step, lamport, from, "");
    }
}
