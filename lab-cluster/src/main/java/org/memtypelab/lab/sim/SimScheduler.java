package org.memtypelab.lab.sim;

import com.typesafe.config.Config;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.event.LoggingAdapter;
import org.memtypelab.runtime.trace.TraceClock;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * A simulated ActorSystem's scheduler ({@code pekko.scheduler.implementation}): every timer - actor timers, ask
 * timeouts, held-back messages - is kept by the {@link SimLoop} named in {@code memtype-lab.sim.loop} and fires in
 * virtual time. Trace lines take their time from it too ({@link TraceClock}).
 */
public final class SimScheduler implements Scheduler, TraceClock {

    private final SimLoop loop;

    /** The constructor Pekko calls. */
    public SimScheduler(Config config, LoggingAdapter log, ThreadFactory threads) {
        this.loop = SimLoop.named(config.getString(SimCluster.LOOP_SETTING));
    }

    @Override
    public Cancellable scheduleOnce(FiniteDuration delay, Runnable task, ExecutionContext executor) {
        return loop.timer(delay.toMillis(), 0, task, executor);
    }

    @Override
    public Cancellable schedule(
            FiniteDuration initialDelay, FiniteDuration interval, Runnable task, ExecutionContext executor) {
        return loop.timer(initialDelay.toMillis(), Math.max(1, interval.toMillis()), task, executor);
    }

    @Override
    public double maxFrequency() {
        return 1000;
    }

    @Override
    public long millis() {
        return loop.now();
    }
}
