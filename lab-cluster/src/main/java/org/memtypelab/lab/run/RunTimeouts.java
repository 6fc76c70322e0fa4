package org.memtypelab.lab.run;

import java.time.Duration;
import org.memtypelab.lab.scenario.Step;
import org.memtypelab.runtime.cluster.TimeFactor;

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
                TimeFactor.scale(attempt, factor),
                attempts,
                TimeFactor.scale(control, factor),
                TimeFactor.scale(discovery, factor),
                TimeFactor.scale(report, factor),
                monitorPause);
    }

    /** How often the monitor is asked to reset: it may still be starting, for up to {@link #discovery}. */
    int monitorAttempts() {
        return (int) Math.max(1, discovery.toMillis() / attempt.toMillis());
    }
}
