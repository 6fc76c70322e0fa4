package org.memtypelab.lab.run;

import java.time.Duration;
import org.memtypelab.lab.scenario.Step;

/** How long a conductor's run waits for what: {@link Conductor}'s constants, shorter in tests. */
record RunTimeouts(
        Duration attempt, int attempts, Duration control, Duration discovery, Duration report, Duration monitorPause) {

    /** How long one attempt of {@code step} waits: a migration asks three nodes with their own retries. */
    Duration attempt(Step step) {
        return StepCommands.migration(step) ? attempt.multipliedBy(8) : attempt;
    }

    /** Every bound times {@code factor}; the count of attempts stays. */
    RunTimeouts scaled(double factor) {
        return new RunTimeouts(
                scale(attempt, factor),
                attempts,
                scale(control, factor),
                scale(discovery, factor),
                scale(report, factor),
                monitorPause);
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    /** How often the monitor is asked to reset: it may still be starting, for up to {@link #discovery}. */
    int monitorAttempts() {
        return (int) Math.max(1, discovery.toMillis() / attempt.toMillis());
    }
}
