package org.memtypelab.lab.run;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A reply address for the conductor's requests that it sends itself (so its own outbox can drop, delay or
 * duplicate them): the first reply completes a future, later ones are ignored, and it stops after a while.
 */
final class ReplyInbox<R> {

    private static final AtomicLong NAMES = new AtomicLong();
    private static final Duration LIFETIME = Duration.ofSeconds(60);

    private final CompletableFuture<R> reply = new CompletableFuture<>();
    private final ActorRef<R> ref;

    private record Expire() {}

    @SuppressWarnings("unchecked")
    ReplyInbox(ActorSystem<?> system) {
        Behavior<Object> behavior = Behaviors.withTimers(timers -> {
            timers.startSingleTimer(new Expire(), LIFETIME);
            return Behaviors.receive(Object.class)
                    .onMessage(Expire.class, e -> Behaviors.stopped())
                    .onAnyMessage(m -> {
                        reply.complete((R) m);
                        return Behaviors.stopped();
                    })
                    .build();
        });
        ActorRef<Object> any =
                system.systemActorOf(behavior, "conductor-reply-" + NAMES.incrementAndGet(), Props.empty());
        this.ref = (ActorRef<R>) (ActorRef<?>) any;
    }

    ActorRef<R> ref() {
        return ref;
    }

    CompletableFuture<R> reply() {
        return reply;
    }
}
