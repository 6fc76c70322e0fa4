package org.memtypelab.protocol.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.protocol.CborSerializable;

/** How far a node's event stream goes, and where to ask for the events a monitor missed. */
public record NodeMark(String node, long incarnation, long lastSeq, ActorRef<NodeCommand.ResendTo> resendTo)
        implements CborSerializable {}
