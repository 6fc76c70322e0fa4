package org.memtypelab.protocol.trace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;

/**
 * A node's memory of one run: its Lamport clock, its numbered events for the monitor (kept for resends), and its
 * trace file. Every line is flushed before the node acts on what it records (DESIGN.md "Traces and history").
 */
public final class NodeJournal {

    private final String node;
    private final long incarnation;
    private final List<Event> events = new ArrayList<>();
    private long lamport;
    private long lines;
    private TraceWriter trace;
    private final ActorRef<MonitorProtocol.Command> monitor;

    /** A journal whose events go to {@code monitor} (this node's proxy of the monitor singleton). */
    public NodeJournal(String node, long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        this.node = node;
        this.incarnation = incarnation;
        this.monitor = monitor;
    }

    public String node() {
        return node;
    }

    public long incarnation() {
        return incarnation;
    }

    /** Starts a run: a fresh event stream, the run's trace file and monitor. */
    public void start(RunSetup setup) {
        if (trace != null) {
            trace.close();
        }
        events.clear();
        lamport = 0;
        lines = 0;
        trace = TraceWriter.open(Path.of(setup.traceDir()), node);
        record("setup", Map.of("run", setup.runId(), "seed", setup.seed()), 0);
    }

    /** Records a received command and advances the Lamport clock past the sender's. */
    public void received(Stamp stamp, String what) {
        lamport = Math.max(lamport, stamp.lamport()) + 1;
        record("recv", Map.of("what", what), stamp.step());
    }

    /** Records a message to another node; returns the stamp to send with it. */
    public Stamp sending(int step, String what) {
        lamport++;
        record("send", Map.of("what", what), step);
        return new Stamp(step, lamport);
    }

    /** Records a decision (a model's answer) before the node replies. */
    public void decided(int step, String detail) {
        record("decide", Map.of("detail", detail), step);
    }

    /** Numbers, traces and sends observations to the monitor. */
    public void emit(int step, List<Observation> observations) {
        for (Observation o : observations) {
            lamport++;
            Event e = new Event(node, incarnation, events.size() + 1, step, lamport, o);
            record("event", Map.of("seq", e.seq(), "observation", o), step);
            events.add(e);
            monitor.tell(new Observed(e));
        }
    }

    /** Sends events again, for a monitor that found a gap. */
    public void resend(NodeCommand.ResendTo r) {
        if (r.incarnation() != incarnation) {
            return; // that incarnation's events died with it
        }
        for (long s : r.seqs()) {
            if (s >= 1 && s <= events.size()) {
                r.monitor().tell(new Observed(events.get((int) s - 1)));
            }
        }
    }

    public long lamport() {
        return lamport;
    }

    public NodeMark mark(ActorRef<NodeCommand.ResendTo> self) {
        return new NodeMark(node, incarnation, events.size(), self);
    }

    private void record(String kind, Map<String, Object> body, int step) {
        if (trace == null) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("node", node);
        line.put("incarnation", incarnation);
        line.put("line", ++lines);
        line.put("lamport", lamport);
        line.put("step", step);
        line.put("wall", System.currentTimeMillis());
        line.put("kind", kind);
        line.putAll(body);
        trace.line(line);
    }

    /** Closes the trace file. */
    public void close() {
        if (trace != null) {
            trace.close();
            trace = null;
        }
    }
}
