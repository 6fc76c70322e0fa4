package org.memtypelab.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.StepDone;

/**
 * A node actor under test, with the probes it talks to and its own trace directory. Made by {@link
 * NodeTestKit#spawnNode}.
 *
 * @param node the node's name, as in its trace file's name
 * @param monitor the probe standing for the coherency monitor, which gets the node's events
 * @param reply the probe standing for the conductor, which gets the node's step answers
 * @param traceDir the directory the node's runs trace into
 */
public record NodeUnderTest<C>(
        NodeTestKit kit,
        String node,
        ActorRef<C> ref,
        TestProbe<MonitorProtocol.Command> monitor,
        TestProbe<StepDone> reply,
        Path traceDir) {

    public void tell(C command) {
        ref.tell(command);
    }

    /** Sends a command that the node answers itself, and returns its answer. */
    public StepDone step(C command) {
        ref.tell(command);
        return reply.receiveMessage();
    }

    /** Where step commands ask for their answer. */
    public ActorRef<StepDone> replyTo() {
        return reply.ref();
    }

    /** The next {@code n} events the node emitted. */
    public List<Event> events(int n) {
        return NodeTestKit.events(monitor, n);
    }

    /** The node's trace file as it is now, one JSON object a line. */
    public List<JsonNode> trace() {
        return TraceFiles.read(traceDir, node);
    }

    /**
     * Checks the node's {@code mark} (this node, {@code incarnation}, {@code lastSeq}), then asks the resend reference
     * in it for {@code seqs} of that incarnation as {@link #assertResends(ActorRef, long, List, List)} does.
     */
    public void assertResends(NodeMark mark, long incarnation, long lastSeq, List<Long> seqs, List<Event> expected) {
        assertThat(mark).isEqualTo(new NodeMark(node, incarnation, lastSeq, mark.resendTo()));
        assertResends(mark.resendTo(), incarnation, seqs, expected);
    }

    /**
     * Asks {@code resendTo}, as a monitor that took over would, for the events {@code seqs} of {@code incarnation};
     * checks that exactly {@code expected} come back to that monitor, and nothing more to the node's own.
     */
    public void assertResends(
            ActorRef<? super NodeCommand.ResendTo> resendTo, long incarnation, List<Long> seqs, List<Event> expected) {
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);
        resendTo.tell(new NodeCommand.ResendTo(incarnation, seqs, other.ref()));
        assertThat(NodeTestKit.events(other, expected.size())).isEqualTo(expected);
        other.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }
}
