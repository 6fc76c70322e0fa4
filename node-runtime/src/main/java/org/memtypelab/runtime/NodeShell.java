package org.memtypelab.runtime;

import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.protocol.node.IoctlAnswer;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/** What every node actor does with a model's outcome: trace the decision, tell the monitor, answer the step. */
public final class NodeShell {

    private NodeShell() {}

    /**
     * Traces and emits {@code o}, then replies (through the outbox, to the stamp's sender) with a {@link StepDone}
     * carrying the step's ioctl answer.
     */
    public static void finish(NodeJournal journal, Stamp s, Outcome o, IoctlAnswer ioctl, ActorRef<StepDone> replyTo) {
        journal.decided(s.step(), o.detail());
        journal.emit(s.step(), o.observations());
        StepDone done = StepDone.of(s, journal.node(), o.ok(), o.detail(), journal.lamport())
                .withIoctl(ioctl)
                .answering(journal.currentCommand());
        journal.send(replyTo, s.from(), done, s.step());
    }

    /**
     * Handles step command {@code what}: unless the journal saw it before (a repeat is answered again, an earlier run's
     * copy is dropped), runs {@code op} on the model and finishes with its outcome. The actor stays as it is.
     */
    public static <T> Behavior<T> act(
            NodeJournal journal, Stamp s, String what, ActorRef<StepDone> replyTo, Supplier<Outcome> op) {
        if (!journal.command(s, what)) {
            finish(journal, s, op.get(), replyTo);
        }
        return Behaviors.same();
    }

    /** As {@link #finish(NodeJournal, Stamp, Outcome, String, ActorRef)} without an errno. */
    public static void finish(NodeJournal journal, Stamp s, Outcome o, ActorRef<StepDone> replyTo) {
        finish(journal, s, o, new IoctlAnswer.NoIoctl(), replyTo);
    }
}
