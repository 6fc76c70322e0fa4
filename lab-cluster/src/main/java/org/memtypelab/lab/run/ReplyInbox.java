package org.memtypelab.lab.run;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The reply address of one step's command, which the conductor sends itself (so its own outbox can drop, delay or
 * duplicate it): it hands the first reply, tagged with its step, to the conductor and stops; later replies (to a
 * repeat, or duplicated) go to dead letters. A child of the run, so it stops with it at the latest.
 */
final class ReplyInbox {

    private ReplyInbox() {}

    static <R, M> Behavior<R> forwarding(ActorRef<M> to, Function<R, M> tag) {
        return Behaviors.receiveMessage(reply -> {
            to.tell(tag.apply(reply));
            return Behaviors.stopped();
        });
    }
}
