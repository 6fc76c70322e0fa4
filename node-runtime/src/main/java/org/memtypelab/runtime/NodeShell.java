package org.memtypelab.runtime;

import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/** What every node actor does with a model's outcome: trace the decision, tell the monitor, answer the step. */
public final class NodeShell {

    private NodeShell() {}

    /**
     * Traces and emits {@code o}, then replies (through the outbox, to the stamp's sender) with a {@link StepDone}
     * carrying {@code errno} if not empty.
     */
    public static void finish(NodeJournal journal, Stamp s, Outcome o, String errno, ActorRef<StepDone> replyTo) {
        journal.decided(s.step(), o.detail());
        journal.emit(s.step(), o.observations());
        StepDone done = StepDone.of(s, journal.node(), o.ok(), o.detail(), journal.lamport())
                .withErrno(errno)
                .answering(journal.currentCommand());
        journal.send(replyTo, s.from(), done, s.step());
    }

    /** As {@link #finish(NodeJournal, Stamp, Outcome, String, ActorRef)} without an errno. */
    public static void finish(NodeJournal journal, Stamp s, Outcome o, ActorRef<StepDone> replyTo) {
        finish(journal, s, o, "", replyTo);
    }
}
