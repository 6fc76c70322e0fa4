package org.memtypelab.protocol.node;

import org.memtypelab.protocol.CborSerializable;

/**
 * The conductor's step number, the sender's Lamport clock and the sender's node name, carried by every command
 * (DESIGN.md traces). The sender is where replies go, so faults on replies can name their receiver.
 */
public record Stamp(int step, long lamport, String from) implements CborSerializable {

    /** A stamp from the conductor. */
    public Stamp(int step, long lamport) {
        this(step, lamport, "conductor");
    }
}
