package org.memtypelab.runtime;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/**
 * The control messages every node actor answers the same way (marks, resends, armed faults, new peers), so each
 * actor registers them as one-line method references and keeps only its own protocol.
 */
public final class NodeControl {

    private final String node;
    private final NodeJournal journal;
    private final ActorRef<NodeCommand.ResendTo> self;
    private final Consumer<Peers> peers;

    /**
     * @param self where the monitor asks for resends (the actor itself)
     * @param peers what the actor does with new peer references after a restart elsewhere
     */
    public NodeControl(String node, NodeJournal journal, ActorRef<NodeCommand.ResendTo> self, Consumer<Peers> peers) {
        this.node = node;
        this.journal = journal;
        this.self = self;
        this.peers = peers;
    }

    /** How far this node's event stream goes. */
    public <T> Behavior<T> mark(NodeCommand.GetMark m) {
        m.replyTo().tell(journal.mark(self));
        return Behaviors.same();
    }

    /** Sends the events a monitor missed again. */
    public <T> Behavior<T> resend(NodeCommand.ResendTo m) {
        journal.resend(m);
        return Behaviors.same();
    }

    /** Arms this step's faults in the outbox. */
    public <T> Behavior<T> arm(Arm m) {
        journal.arm(m.step(), m.rules(), m.partition(), m.heal());
        m.replyTo().tell(StepDone.of(new Stamp(m.step(), 0), node, true, "armed", journal.lamport()));
        return Behaviors.same();
    }

    /** Takes the peers' new references (the model is kept). */
    public <T> Behavior<T> newPeers(NodeCommand.NewPeers m) {
        peers.accept(m.peers());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), node, true, "peers updated", journal.lamport()));
        return Behaviors.same();
    }
}
