package org.memtypelab.lab.sim;

import com.typesafe.config.Config;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * The executor of every dispatcher of a simulated ActorSystem ({@code executor = "...SimExecutor"}): all of them
 * hand their work to the one {@link SimLoop} named in the dispatcher's {@code sim-loop} setting.
 */
public final class SimExecutor extends ExecutorServiceConfigurator {

    private final SimLoop loop;

    /** The constructor Pekko calls with the dispatcher's configuration. */
    public SimExecutor(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        this.loop = SimLoop.named(config.getString("sim-loop"));
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threads) {
        return () -> loop;
    }
}
