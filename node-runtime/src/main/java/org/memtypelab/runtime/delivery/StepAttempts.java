package org.memtypelab.runtime.delivery;

import java.time.Duration;
import java.util.List;

/**
 * The conductor's step/retry/timeout logic for one step at a time: send the step's command, wait one attempt for the
 * answer, send the same command again after each silent attempt (a node answers a repeat without acting twice), and
 * give up after the last one. Pure: no Pekko, no clock; the answer and "the attempt timer fired" are inputs, and the
 * driver sends, traces and schedules what the returned effects tell it to. Answers and timers of an earlier step, and
 * timers of an earlier attempt, are ignored. Answers carry no attempt: every attempt sends the same command to the
 * same reply address, so any answer to the current step completes it.
 *
 * @param <C> the step's command as the driver sends it, handed back unchanged
 * @param <R> the answer, handed back unchanged
 */
public final class StepAttempts<C, R> {

    /**
     * One step to drive.
     *
     * @param what the step as the trace names it ({@code allocate})
     * @param node the node that plays it ({@code gpu-process-node})
     * @param attempt how long to wait for the answer before sending again
     * @param attempts how many times the command is sent at most
     */
    public record Request<C>(int step, String what, String node, C command, Duration attempt, int attempts) {
        public Request {
            if (attempt.isNegative() || attempt.isZero() || attempts < 1) {
                throw new IllegalArgumentException(
                        "a step needs a positive attempt and attempts >= 1, got " + attempt + " and " + attempts);
            }
        }
    }

    /** What the driver does, in the order given. */
    public sealed interface Effect<C, R> permits Decide, Send, StartTimer, Done, GiveUp {}

    /** Trace a decision of {@code step} before acting on it. */
    public record Decide<C, R>(int step, String detail) implements Effect<C, R> {}

    /** Send the step's command (again); {@code attempt} counts from 1. */
    public record Send<C, R>(int step, int attempt, C command) implements Effect<C, R> {}

    /** Call {@link #timedOut} with {@code step} and {@code attempt} once {@code after} has passed. */
    public record StartTimer<C, R>(int step, int attempt, Duration after) implements Effect<C, R> {}

    /** The step is answered; its timer may be cancelled. */
    public record Done<C, R>(int step, R answer) implements Effect<C, R> {}

    /** No attempt was answered: the run cannot go on, for {@code reason}. */
    public record GiveUp<C, R>(int step, String reason) implements Effect<C, R> {}

    private Request<C> current;
    private int attempt;

    /** Starts {@code request}'s first attempt; a step still in flight is abandoned and its answers ignored. */
    public List<Effect<C, R>> start(Request<C> request) {
        current = request;
        attempt = 1;
        return List.of(
                new Send<>(request.step(), 1, request.command()),
                new StartTimer<>(request.step(), 1, request.attempt()));
    }

    /** An answer to {@code step} arrived: the step is done, unless it is not the step in flight. */
    public List<Effect<C, R>> answered(int step, R answer) {
        if (!inFlight(step)) {
            return List.of();
        }
        current = null;
        return List.of(new Done<>(step, answer));
    }

    /** The timer of {@code step}'s {@code attempt} fired: send again while attempts are left, else give up. */
    public List<Effect<C, R>> timedOut(int step, int attempt) {
        if (!inFlight(step) || attempt != this.attempt) {
            return List.of();
        }
        Request<C> r = current;
        if (attempt >= r.attempts()) {
            current = null;
            return List.of(new GiveUp<>(
                    step,
                    "step " + step + " (" + r.what() + ") got no answer from " + r.node() + " in " + r.attempts()
                            + " attempts of " + r.attempt().toMillis() + " ms"));
        }
        this.attempt = attempt + 1;
        return List.of(
                new Decide<>(step, "no answer to " + r.what() + " from " + r.node() + ", attempt " + this.attempt),
                new Send<>(step, this.attempt, r.command()),
                new StartTimer<>(step, this.attempt, r.attempt()));
    }

    /** Whether {@code step} has been started and is neither answered nor given up. */
    public boolean inFlight(int step) {
        return current != null && current.step() == step;
    }
}
