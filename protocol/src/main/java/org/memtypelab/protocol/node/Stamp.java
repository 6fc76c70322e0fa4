package org.memtypelab.protocol.node;

import org.memtypelab.protocol.CborSerializable;

/** The conductor's step number and the sender's Lamport clock, carried by every command (DESIGN.md traces). */
public record Stamp(int step, long lamport) implements CborSerializable {}
