package org.memtypelab.protocol.trace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.fault.FaultState;
import org.memtypelab.core.fault.MessageRule;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import scala.concurrent.ExecutionContext;

/**
 * A node's memory of one run: its Lamport clock, its numbered events for the monitor (kept for resends), its trace
 * file, and its outbox. Every line is flushed before the node acts on what it records (DESIGN.md "Traces and
 * history"). Every protocol message the node sends goes through {@link #send}, where armed faults drop, delay,
 * duplicate or reorder it; commands are remembered with what they sent, so a retried or duplicated command is
 * answered again without acting twice.
 */
public final class NodeJournal {

    /** One message this node sent while handling a command. */
    private record Outgoing(ActorRef<Object> to, String toNode, Object message) {}

    private final String node;
    private final long incarnation;
    private final ActorRef<MonitorProtocol.Command> monitor;
    private final Scheduler scheduler;
    private final ExecutionContext executor;
    private final List<Event> events = new ArrayList<>();
    private final Map<String, List<Outgoing>> handled = new HashMap<>();
    private List<Outgoing> current = new ArrayList<>();
    private String currentCommand = "";
    private FaultState faults = new FaultState("", 0);
    private String runId = "";
    private long lamport;
    private long lines;
    private TraceWriter trace;

    /** A journal whose events go to {@code monitor} and whose delayed messages use {@code scheduler}. */
    public NodeJournal(
            String node,
            long incarnation,
            ActorRef<MonitorProtocol.Command> monitor,
            Scheduler scheduler,
            ExecutionContext executor) {
        this.node = node;
        this.incarnation = incarnation;
        this.monitor = monitor;
        this.scheduler = scheduler;
        this.executor = executor;
    }

    /** A journal without a scheduler: delayed and reordered messages are sent at once (unit tests). */
    public NodeJournal(String node, long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        this(node, incarnation, monitor, null, null);
    }

    public String node() {
        return node;
    }

    public long incarnation() {
        return incarnation;
    }

    /** Starts a run: a fresh event stream, the run's trace file, no faults armed. */
    public void start(RunSetup setup) {
        if (trace != null) {
            trace.close();
        }
        events.clear();
        handled.clear();
        current = new ArrayList<>();
        faults = new FaultState(node, setup.seed());
        runId = setup.runId();
        lamport = 0;
        lines = 0;
        trace = TraceWriter.open(Path.of(setup.traceDir()), node);
        record("setup", fields("run", setup.runId(), "seed", setup.seed()), 0);
    }

    /** Records a received message and advances the Lamport clock past the sender's. */
    public void received(Stamp stamp, String what) {
        lamport = Math.max(lamport, stamp.lamport()) + 1;
        record("recv", fields("what", what, "from", stamp.from()), stamp.step());
    }

    /**
     * Records a received command. Returns true if the same command ({@code step}, {@code what}) was handled before:
     * the messages it sent then are sent again (through the outbox) and the caller must not act again.
     */
    public boolean command(Stamp stamp, String what) {
        received(stamp, what);
        if (!stamp.runId().isEmpty() && !stamp.runId().equals(runId)) {
            record("stale", fields("what", what, "run", stamp.runId()), stamp.step());
            return true; // a late copy of an earlier run's command: acting on it would change this run
        }
        String key = stamp.step() + "/" + what;
        List<Outgoing> before = handled.get(key);
        if (before != null) {
            record("duplicate", fields("what", what, "resent", before.size()), stamp.step());
            for (Outgoing o : before) {
                deliver(o, stamp.step());
            }
            return true;
        }
        current = new ArrayList<>();
        currentCommand = what;
        handled.put(key, current);
        return false;
    }

    /** The command being handled, as {@link #command} recorded it. */
    public String currentCommand() {
        return currentCommand;
    }

    /** Records a message to another node; returns the stamp to send with it. */
    public Stamp sending(int step, String what) {
        lamport++;
        record("send", fields("what", what), step);
        return new Stamp(step, lamport, node, runId);
    }

    /** Records a decision (a model's answer) before the node replies. */
    public void decided(int step, String detail) {
        record("decide", fields("detail", detail), step);
    }

    /** Sends a protocol message through the outbox, remembering it for the command being handled. */
    public <T> void send(ActorRef<T> to, String toNode, T message, int step) {
        send(to, toNode, message, step, current);
    }

    /**
     * Sends a message that belongs to command {@code what} of {@code step} (handled earlier, e.g. the final answer of
     * a migration), so a repeat of that command sends it again.
     */
    public <T> void sendFor(String what, ActorRef<T> to, String toNode, T message, int step) {
        send(to, toNode, message, step, handled.computeIfAbsent(step + "/" + what, k -> new ArrayList<>()));
    }

    /** Sends a message again (a retry): through the outbox, but not remembered a second time. */
    @SuppressWarnings("unchecked")
    public <T> void resend(ActorRef<T> to, String toNode, T message, int step) {
        deliver(new Outgoing((ActorRef<Object>) to, toNode, message), step);
    }

    @SuppressWarnings("unchecked")
    private <T> void send(ActorRef<T> to, String toNode, T message, int step, List<Outgoing> into) {
        Outgoing o = new Outgoing((ActorRef<Object>) to, toNode, message);
        into.add(o);
        deliver(o, step);
    }

    /** Numbers, traces and sends observations to the monitor. */
    public void emit(int step, List<Observation> observations) {
        for (Observation o : observations) {
            lamport++;
            Event e = new Event(node, incarnation, events.size() + 1, step, lamport, o);
            record("event", fields("seq", e.seq(), "observation", TraceWriter.JSON.valueToTree(o)), step);
            events.add(e);
            deliver(new Outgoing(monitor.unsafeUpcast(), "monitor", new Observed(e, runId)), step);
        }
    }

    /** Arms message rules, a partition or a heal (conductor control, never faulted). */
    public void arm(int step, List<MessageRule> rules, List<Set<String>> partition, boolean heal) {
        faults.arm(rules);
        if (!partition.isEmpty()) {
            faults.partition(partition);
        }
        if (heal) {
            faults.heal();
        }
        record("arm", fields("rules", rules.size(), "partition", partition.toString(), "heal", heal), step);
    }

    /** Sends events again, for a monitor that found a gap (through the outbox: faults apply). */
    public void resend(NodeCommand.ResendTo r) {
        if (r.incarnation() != incarnation) {
            return; // that incarnation's events died with it
        }
        for (long s : r.seqs()) {
            if (s >= 1 && s <= events.size()) {
                Event e = events.get((int) s - 1);
                deliver(new Outgoing(r.monitor().unsafeUpcast(), "monitor", new Observed(e, runId)), e.step());
            }
        }
    }

    public long lamport() {
        return lamport;
    }

    public NodeMark mark(ActorRef<NodeCommand.ResendTo> self) {
        return new NodeMark(node, incarnation, events.size(), self);
    }

    private void deliver(Outgoing o, int step) {
        String kind = o.message().getClass().getSimpleName();
        FaultState.Decision d = faults.decide(o.toNode(), kind);
        if (d.deliver()) {
            o.to().tell(o.message());
            return;
        }
        record("fault", fields("fault", d.action().label(), "to", o.toNode(), "message", kind), step);
        switch (d.action()) {
            case DROP -> {}
            case DUPLICATE -> {
                o.to().tell(o.message());
                o.to().tell(o.message());
            }
            case DELAY -> later(o, Duration.ofMillis(Math.max(1, d.delayMs())));
            // a reorder holds the message back long enough for later ones to overtake it
            case REORDER -> later(o, Duration.ofMillis(20 + Math.floorMod(lines * 37, 100)));
        }
    }

    private void later(Outgoing o, Duration delay) {
        if (scheduler == null) {
            o.to().tell(o.message());
        } else {
            scheduler.scheduleOnce(delay, () -> o.to().tell(o.message()), executor);
        }
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
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
