package org.memtypelab.protocol.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.protocol.CborSerializable;

/** Commands every node understands, whatever its role. */
public final class NodeCommand {

    private NodeCommand() {}

    /** The control messages every node answers the same way (set-up, marks, resends, faults, new peers). */
    public sealed interface Control
            extends KvmProtocol.Command,
                    QemuProtocol.Command,
                    GpuProtocol.Command,
                    MigrationProtocol.Command,
                    CborSerializable
            permits Setup, NewPeers, GetMark, ResendTo, Arm {}

    /** A scenario step's command: stamped by the conductor, answered with a {@link StepDone}. */
    public interface Step {
        Stamp stamp();

        ActorRef<StepDone> replyTo();
    }

    /** Starts a run with a fresh model (a new VM, a new GPU process state). Replies when the node is ready. */
    public record Setup(RunSetup setup, ActorRef<StepDone> replyTo) implements Control {}

    /** After a node restarted elsewhere, the conductor hands out the new peer references (the model is kept). */
    public record NewPeers(Peers peers, ActorRef<StepDone> replyTo) implements Control {}

    /** Asks how far the node's event stream goes. */
    public record GetMark(ActorRef<NodeMark> replyTo) implements Control {}

    /** A monitor's request to resend events, with where to send them. */
    public record ResendTo(long incarnation, java.util.List<Long> seqs, ActorRef<MonitorProtocol.Command> monitor)
            implements Control {}
}
