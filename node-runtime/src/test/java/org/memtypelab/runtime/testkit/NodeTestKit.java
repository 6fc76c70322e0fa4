package org.memtypelab.runtime.testkit;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.StepDone;

/**
 * The one local ActorSystem of a node test class, and the nodes spawned in it with the probes they talk to.
 *
 * <p>Register it on a <em>static</em> field ({@code @RegisterExtension static final NodeTestKit kit = new
 * NodeTestKit();}): the system starts before the class's first test and stops after its last. An instance field
 * would start one system per test and stop only the last (PEKKO.md 4.1).
 */
public final class NodeTestKit implements BeforeAllCallback, AfterAllCallback {

    /** How long a test listens to be sure that no message comes. */
    public static final Duration QUIET = Duration.ofMillis(200);

    /** How a node module builds its actor, e.g. {@code KvmNode::create}. */
    @FunctionalInterface
    public interface NodeFactory<C> {
        Behavior<C> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor);
    }

    private ActorTestKit kit;
    private Path traceRoot;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        // the nodes' own serialization bindings, so a test can put bytes through the real CBOR serializer
        kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.parseResources("memtype-lab-serialization.conf"))
                .withFallback(ActorTestKit.applicationTestConfig())
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
        traceRoot = Files.createTempDirectory("node-traces");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        kit.shutdownTestKit(); // closes the nodes' trace files before they are deleted
        try (Stream<Path> files = Files.walk(traceRoot)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Spawns a node with a fresh monitor probe, a fresh probe for its step answers and a trace directory of its own.
     */
    public <C> NodeUnderTest<C> spawnNode(String node, long incarnation, NodeFactory<C> factory) {
        TestProbe<MonitorProtocol.Command> monitor = createTestProbe(MonitorProtocol.Command.class);
        TestProbe<StepDone> reply = createTestProbe(StepDone.class);
        ActorRef<C> ref = spawn(factory.create(incarnation, monitor.ref()));
        try {
            return new NodeUnderTest<>(this, node, ref, monitor, reply, Files.createTempDirectory(traceRoot, node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How far the node's event stream goes, as it answers {@link NodeCommand.GetMark}. */
    public NodeMark mark(ActorRef<? super NodeCommand.GetMark> node) {
        TestProbe<NodeMark> marks = createTestProbe(NodeMark.class);
        node.tell(new NodeCommand.GetMark(marks.ref()));
        return marks.receiveMessage();
    }

    /** The next {@code n} messages the monitor probe got, each of which must be an event. */
    public static List<Event> events(TestProbe<MonitorProtocol.Command> monitor, int n) {
        return monitor.receiveSeveralMessages(n).stream()
                .map(m -> {
                    if (!(m instanceof Observed observed)) {
                        throw new AssertionError("expected an Observed event, got " + m);
                    }
                    return observed.event();
                })
                .toList();
    }

    public <T> TestProbe<T> createTestProbe(Class<T> type) {
        return kit.createTestProbe(type);
    }

    public <T> ActorRef<T> spawn(Behavior<T> behavior) {
        return kit.spawn(behavior);
    }

    public <T> void stop(ActorRef<T> ref) {
        kit.stop(ref);
    }

    public ActorSystem<Void> system() {
        return kit.system();
    }
}
