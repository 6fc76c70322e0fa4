package org.memtypelab.core.coherency;

/**
 * An observation stamped by the node that made it: its incarnation, a per-incarnation sequence number, the
 * conductor's step, and a Lamport clock (DESIGN.md "Traces and history").
 */
public record Event(String node, long incarnation, long seq, int step, long lamport, Observation observation) {}
