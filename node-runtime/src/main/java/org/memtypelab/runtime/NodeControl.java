package org.memtypelab.runtime;

import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/**
 * The messages every node actor answers the same way (marks, resends, armed faults, new peers, and any step before a
 * run is set up), so each actor hands them here in one line and keeps only its own protocol.
 */
public final class NodeControl {

    private final String node;
    private final NodeJournal journal;
    private final ActorRef<NodeCommand.ResendTo> self;

    /** @param self where the monitor asks for resends (the actor itself) */
    public NodeControl(NodeJournal journal, ActorRef<NodeCommand.ResendTo> self) {
        this.node = journal.node();
        this.journal = journal;
        this.self = self;
    }

    /**
     * Answers a control message: a Setup goes to {@code setup} (the node starts a fresh run), new peers' references to
     * {@code peers}; marks, resends and armed faults are answered the same way on every node.
     */
    public <T> Behavior<T> answer(
            NodeCommand.Control c, Function<NodeCommand.Setup, Behavior<T>> setup, Consumer<Peers> peers) {
        if (c instanceof NodeCommand.Setup m) {
            return setup.apply(m);
        }
        if (c instanceof NodeCommand.NewPeers m) {
            return newPeers(m, peers);
        }
        if (c instanceof NodeCommand.GetMark m) {
            return mark(m);
        }
        if (c instanceof NodeCommand.ResendTo m) {
            return resend(m);
        }
        if (c instanceof Arm m) {
            return arm(m);
        }
        return Behaviors.unhandled();
    }

    /** How far this node's event stream goes. */
    private <T> Behavior<T> mark(NodeCommand.GetMark m) {
        m.replyTo().tell(journal.mark(self));
        return Behaviors.same();
    }

    /** Sends the events a monitor missed again. */
    private <T> Behavior<T> resend(NodeCommand.ResendTo m) {
        journal.resend(m);
        return Behaviors.same();
    }

    /** Arms this step's faults in the outbox. */
    private <T> Behavior<T> arm(Arm m) {
        journal.arm(m.step(), m.rules(), m.partition(), m.heal());
        m.replyTo().tell(StepDone.of(new Stamp(m.step(), 0), node, true, "armed", journal.lamport()));
        return Behaviors.same();
    }

    /** Takes the peers' new references (the model is kept); {@code use} is where the run keeps them. */
    private <T> Behavior<T> newPeers(NodeCommand.NewPeers m, Consumer<Peers> use) {
        use.accept(m.peers());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), node, true, "peers updated", journal.lamport()));
        return Behaviors.same();
    }

    /** The failure every step command gets from a node without a run set up. */
    public String notSetUp() {
        return node + " has no run set up";
    }

    /**
     * Refuses a step command of a node without a run: {@code answer} turns {@link #notSetUp()} into the reply the
     * command expects. Nothing is traced (there is no run, so no trace file); the clock moves past the sender's.
     */
    public <T, R> Behavior<T> refuse(Stamp s, ActorRef<R> replyTo, Function<String, R> answer) {
        journal.received(s, "before setup");
        replyTo.tell(answer.apply(notSetUp()));
        return Behaviors.same();
    }

    /** {@link #refuse(Stamp, ActorRef, Function)} for a command answered with a {@link StepDone}. */
    public <T> Behavior<T> refuse(Stamp s, ActorRef<StepDone> replyTo) {
        return refuse(s, replyTo, why -> StepDone.of(s, node, false, why, journal.lamport()));
    }

    /** Refuses a step's command: this node has no run set up. */
    public <T> Behavior<T> refuse(NodeCommand.Step step) {
        return refuse(step.stamp(), step.replyTo());
    }
}
