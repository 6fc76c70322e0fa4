package org.memtypelab.runtime;

import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.protocol.node.ProtocolChecks;

/**
 * The gate in front of every node actor and the monitor: a message {@code check} finds a problem with is logged,
 * handed to {@code rejected} (which traces it) and dropped before the actor sees it, so hostile input can neither
 * crash the actor nor change its state, and the sender gets no answer. Past the first {@link #LOGGED} rejections only
 * every {@link #LOG_EVERY}th is logged, so a flood cannot flood the log too.
 */
public final class Guard<T> extends BehaviorInterceptor<T, T> {

    static final int LOGGED = 100;
    static final int LOG_EVERY = 1000;

    private final Function<? super T, Optional<String>> check;
    private final BiConsumer<? super T, String> rejected;
    private long count;

    private Guard(Class<T> type, Function<? super T, Optional<String>> check, BiConsumer<? super T, String> rejected) {
        super(type);
        this.check = check;
        this.rejected = rejected;
    }

    /** {@code behavior}, with every message that fails {@code check} dropped and handed to {@code rejected}. */
    @SuppressWarnings("unchecked")
    public static <T> Behavior<T> of(
            Function<? super T, Optional<String>> check, BiConsumer<? super T, String> rejected, Behavior<T> behavior) {
        return of((Class<T>) (Class<?>) Object.class, check, rejected, behavior);
    }

    /**
     * As {@link #of(Function, BiConsumer, Behavior)} for the messages of {@code type} only; others (an actor's own
     * adapted answers and timers) pass unchecked.
     */
    public static <T> Behavior<T> of(
            Class<T> type,
            Function<? super T, Optional<String>> check,
            BiConsumer<? super T, String> rejected,
            Behavior<T> behavior) {
        return Behaviors.intercept(() -> new Guard<>(type, check, rejected), behavior);
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T message, ReceiveTarget<T> target) {
        Optional<String> problem = check.apply(message);
        if (problem.isEmpty()) {
            return target.apply(ctx, message);
        }
        count++;
        if (count <= LOGGED || count % LOG_EVERY == 0) {
            ctx.asJava()
                    .getLog()
                    .warn(
                            "dropped invalid {} ({} so far): {}",
                            ProtocolChecks.simpleName(message),
                            count,
                            problem.get());
        }
        rejected.accept(message, problem.get());
        return Behaviors.same();
    }
}
