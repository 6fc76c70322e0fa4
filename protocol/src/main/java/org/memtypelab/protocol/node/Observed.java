package org.memtypelab.protocol.node;

import org.memtypelab.core.coherency.Event;
import org.memtypelab.protocol.CborSerializable;

/**
 * One node event on its way to the coherency monitor, with the run it belongs to: on a reused cluster a delayed or
 * resent event of an earlier run must not count in the next one.
 */
public record Observed(Event event, String runId) implements MonitorProtocol.Command, CborSerializable {

    /** An event outside any particular run (tests): counted in the monitor's current run. */
    public Observed(Event event) {
        this(event, "");
    }
}
