package org.memtypelab.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.runtime.cluster.NodeConfig;

/** Node actors spawned with {@link NodeDispatcher#PROPS} run on memtype-lab.conf's node dispatcher. */
class NodeDispatcherTest {

    static ActorTestKit kit;

    @BeforeAll
    static void startSystem() {
        kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.parseResources(NodeConfig.RESOURCE))
                .withFallback(ActorTestKit.applicationTestConfig())
                .resolve());
    }

    @AfterAll
    static void stopSystem() {
        kit.shutdownTestKit();
    }

    @Test
    void aNodeSpawnedWithThePropsRunsOffTheDefaultDispatcher() {
        TestProbe<String> threads = kit.createTestProbe(String.class);
        ActorRef<String> node = kit.spawn(
                Behaviors.receive(String.class)
                        .onAnyMessage(m -> {
                            threads.ref().tell(Thread.currentThread().getName());
                            return Behaviors.same();
                        })
                        .build(),
                NodeDispatcher.PROPS);

        node.tell("where");

        assertThat(threads.receiveMessage()).contains(NodeDispatcher.CONFIG_KEY);
    }
}
