package org.memtypelab.protocol.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.protocol.CborSerializable;

/** The nodes a node talks to in this run, handed out by the conductor after discovery. */
public record Peers(
        ActorRef<KvmProtocol.Command> kvm, ActorRef<QemuProtocol.Command> qemu, ActorRef<GpuProtocol.Command> gpu)
        implements CborSerializable {}
