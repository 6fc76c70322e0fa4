package org.memtypelab.protocol.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.protocol.CborSerializable;

/** Commands every node understands, whatever its role. */
public final class NodeCommand {

    private NodeCommand() {}

    /** Starts a run with a fresh model (a new VM, a new GPU process state). Replies when the node is ready. */
    public record Setup(RunSetup setup, ActorRef<StepDone> replyTo)
            implements KvmProtocol.Command,
                    QemuProtocol.Command,
                    GpuProtocol.Command,
                    MigrationProtocol.Command,
                    CborSerializable {}

    /** After a node restarted elsewhere, the conductor hands out the new peer references (the model is kept). */
    public record NewPeers(Peers peers, ActorRef<StepDone> replyTo)
            implements KvmProtocol.Command,
                    QemuProtocol.Command,
                    GpuProtocol.Command,
                    MigrationProtocol.Command,
                    CborSerializable {}

    /** Asks how far the node's event stream goes. */
    public record GetMark(ActorRef<NodeMark> replyTo)
            implements KvmProtocol.Command,
                    QemuProtocol.Command,
                    GpuProtocol.Command,
                    MigrationProtocol.Command,
                    CborSerializable {}

    /** A monitor's request to resend events, with where to send them. */
    public record ResendTo(long incarnation, java.util.List<Long> seqs, ActorRef<MonitorProtocol.Command> monitor)
            implements KvmProtocol.Command,
                    QemuProtocol.Command,
                    GpuProtocol.Command,
                    MigrationProtocol.Command,
                    CborSerializable {}
}
