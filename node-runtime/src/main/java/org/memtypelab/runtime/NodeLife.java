package org.memtypelab.runtime;

import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What a node actor keeps when a trace I/O failure restarts it: its journal (clock, event numbers, the commands it
 * handled, its outbox) and the state it was in (idle, or ready with the run's model). Both live outside the supervised
 * behaviour, so a command repeated after the restart is still recognised and not acted on twice.
 */
public final class NodeLife<T> {

    private final NodeJournal journal;
    private Supplier<Behavior<T>> state;

    /** @param initial the state a new actor starts in (idle: no run set up) */
    public NodeLife(NodeJournal journal, Supplier<Behavior<T>> initial) {
        this.journal = journal;
        this.state = initial;
    }

    /** Switches to {@code next}, and makes it the state a restart resumes in. */
    public Behavior<T> become(Supplier<Behavior<T>> next) {
        state = next;
        return next.get();
    }

    /** The actor's behaviour: the current state, restarted in the last state it became after a trace I/O failure. */
    public Behavior<T> supervised() {
        return Behaviors.supervise(Behaviors.<T>setup(ctx -> state.get()))
                .onFailure(UncheckedIOException.class, SupervisorStrategy.restart());
    }

    /**
     * The signals every state handles: a restart drops the trace writer (the next line reopens the file), a stop
     * closes the trace file.
     */
    public BehaviorBuilder<T> signals(BehaviorBuilder<T> receive) {
        return receive.onSignal(PreRestart.class, s -> {
                    journal.restarted();
                    return Behaviors.same();
                })
                .onSignal(PostStop.class, s -> {
                    journal.close();
                    return Behaviors.same();
                });
    }
}
