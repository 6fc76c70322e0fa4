package org.memtypelab.protocol.node;

import org.memtypelab.core.coherency.Event;
import org.memtypelab.protocol.CborSerializable;

/** One node event on its way to the coherency monitor. */
public record Observed(Event event) implements MonitorProtocol.Command, CborSerializable {}
