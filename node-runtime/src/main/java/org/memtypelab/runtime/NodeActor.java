package org.memtypelab.runtime;

import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;

/**
 * What every node actor is built on: registered under its service key, a journal and a life that outlive a restart,
 * the control answers every node gives alike, and an idle state (no run set up) to start in.
 */
public abstract class NodeActor<C> {

    protected final NodeJournal journal;
    protected final NodeControl control;
    protected final NodeLife<C> life;

    /** @param self where the monitor asks for resends (the actor itself) */
    protected NodeActor(NodeJournal journal, ActorRef<NodeCommand.ResendTo> self) {
        this.journal = journal;
        this.control = new NodeControl(journal, self);
        this.life = new NodeLife<>(journal, this::idle);
    }

    /**
     * The behaviour of node {@code node}: registers it under {@code key}, opens its journal, and lets {@code make}
     * build the actor behind the {@link Guard} (an invalid message is traced and dropped), which starts idle and is restarted (in its last state) after a trace I/O failure.
     */
    protected static <C> Behavior<C> start(
            ServiceKey<C> key,
            String node,
            long incarnation,
            ActorRef<MonitorProtocol.Command> monitor,
            BiFunction<NodeJournal, ActorRef<C>, ? extends NodeActor<C>> make) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(key, ctx.getSelf()));
            NodeJournal journal = NodeJournal.of(node, incarnation, monitor, ctx);
            return Guard.of(
                    journal::problem,
                    journal::rejected,
                    make.apply(journal, ctx.getSelf()).life.supervised());
        });
    }

    /** No run set up: the state a new actor starts in. */
    protected abstract Behavior<C> idle();
}
