package org.memtypelab.runtime;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.documents.TraceLine;
import org.memtypelab.protocol.node.MessageRule;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.ProtocolChecks;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.runtime.delivery.Journal;
import org.memtypelab.runtime.delivery.Outbox;
import org.memtypelab.runtime.trace.TraceClock;
import org.memtypelab.runtime.trace.TraceWriter;
import scala.concurrent.ExecutionContext;

/**
 * The Pekko driver of a node's (or the conductor's) {@link Journal} and {@link Outbox}: it writes the trace file,
 * flushing every line before the node acts on what it records (DESIGN.md "Traces and history"), and sends, holds back
 * or drops each protocol message as the outbox decides. Every protocol message goes through {@link #send}; commands
 * are remembered with what they sent, so a retried or duplicated command is answered again without acting twice.
 */
public final class NodeJournal {

    /**
     * How far past this node's last event a resend request may reach: a late request of an earlier run (whose stream
     * was longer) stays legal, a number from far in the future does not.
     */
    public static final long SEQ_WINDOW = 1L << 16;

    /** One message sent: where to and what. */
    private record Outgoing(ActorRef<Object> to, String toNode, Object message) {}

    private final Journal<Outgoing> journal;
    private final ActorRef<MonitorProtocol.Command> monitor;
    private final Scheduler scheduler;
    private final ExecutionContext executor;
    /** Where trace lines take their time from: the wall clock, or a simulated cluster's virtual time. */
    private final TraceClock clock;

    private final Map<String, Integer> injected = new LinkedHashMap<>();
    private Outbox outbox;
    private long lines;
    private long rejected;
    private TraceWriter trace;
    private Path traceDir;

    /** A journal whose events go to {@code monitor} and whose held-back messages use {@code scheduler}. */
    public NodeJournal(
            String node,
            long incarnation,
            ActorRef<MonitorProtocol.Command> monitor,
            Scheduler scheduler,
            ExecutionContext executor) {
        this(node, incarnation, monitor, scheduler, executor, TraceClock.WALL);
    }

    private NodeJournal(
            String node,
            long incarnation,
            ActorRef<MonitorProtocol.Command> monitor,
            Scheduler scheduler,
            ExecutionContext executor,
            TraceClock clock) {
        this.journal = new Journal<>(node, incarnation);
        this.monitor = monitor;
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
        this.outbox = new Outbox(node, 0);
    }

    /** A journal without a scheduler: delayed and reordered messages are sent at once (unit tests). */
    public NodeJournal(String node, long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        this(node, incarnation, monitor, null, null);
    }

    public String node() {
        return journal.node();
    }

    public long incarnation() {
        return journal.incarnation();
    }

    /**
     * The journal of a node actor: held-back messages use its system's scheduler and its dispatcher; trace lines take
     * their time from the scheduler when it keeps time itself (a simulated cluster), else from the wall clock.
     */
    public static NodeJournal of(
            String node, long incarnation, ActorRef<MonitorProtocol.Command> monitor, ActorContext<?> ctx) {
        org.apache.pekko.actor.Scheduler classic =
                Adapter.toClassic(ctx.getSystem()).scheduler();
        TraceClock clock = classic instanceof TraceClock c ? c : TraceClock.WALL;
        return new NodeJournal(
                node, incarnation, monitor, ctx.getSystem().scheduler(), ctx.getExecutionContext(), clock);
    }

    /**
     * Starts a run: a fresh event stream, the run's trace file, no faults armed. The trace file is opened first, so
     * if that fails the journal is still the earlier run's.
     */
    public void start(RunSetup setup) {
        Path dir = Path.of(setup.traceDir());
        TraceWriter next = TraceWriter.open(dir, node());
        close();
        trace = next;
        traceDir = dir;
        journal.start(setup.runId());
        outbox = new Outbox(node(), setup.seed());
        injected.clear();
        lines = 0;
        record(e -> new TraceLine.Setup(e, setup.runId(), setup.seed()), 0);
    }

    /**
     * After a failure restarted the node actor: drops the trace writer, which may have failed in the middle of a line,
     * and keeps everything else. The next line opens the run's trace file again and is appended to it.
     */
    public void restarted() {
        if (trace == null) {
            return;
        }
        try {
            trace.close();
        } catch (UncheckedIOException e) {
            // the writer failed before; what it still held is lost either way
        }
        trace = null;
    }

    /**
     * What is wrong with a received message, judged from the message ({@link ProtocolChecks}) and from this node's
     * state: a resend asked of a later incarnation than this one, or of events far past its last. Empty: act on it.
     */
    public Optional<String> problem(Object message) {
        Optional<String> p = ProtocolChecks.problem(message);
        if (p.isPresent() || !(message instanceof NodeCommand.ResendTo r)) {
            return p;
        }
        if (r.incarnation() > incarnation()) {
            return Optional.of(
                    "resend asked of incarnation " + r.incarnation() + ", from the future: this is " + incarnation());
        }
        long horizon = journal.lastSeq() + SEQ_WINDOW;
        for (long seq : r.seqs()) {
            if (seq > horizon) {
                return Optional.of("resend asked of event " + seq + ", far past the last one, " + journal.lastSeq());
            }
        }
        return Optional.empty();
    }

    /**
     * Records an invalid message that was dropped without acting (the clock does not move: nothing was received that
     * a valid run would send).
     */
    public void rejected(Object message, String reason) {
        rejected++;
        int step = message instanceof NodeCommand.Step s
                        && s.stamp() != null
                        && s.stamp().step() >= 0
                        && s.stamp().step() <= ProtocolChecks.STEP_MAX
                ? s.stamp().step()
                : 0;
        record(e -> new TraceLine.Rejected(e, ProtocolChecks.simpleName(message), reason), step);
    }

    /** How many invalid messages this node dropped since it started. */
    public long rejectedCount() {
        return rejected;
    }

    /** Records a received message and advances the Lamport clock past the sender's. */
    public void received(Stamp stamp, String what) {
        journal.received(stamp.lamport());
        record(e -> new TraceLine.Recv(e, what, stamp.from()), stamp.step());
    }

    /**
     * Records a received command. Returns true if the same command ({@code step}, {@code what}) was handled before
     * (the messages it sent then are sent again through the outbox) or belongs to an earlier run: the caller must
     * not act.
     */
    public boolean command(Stamp stamp, String what) {
        received(stamp, what);
        switch (journal.command(stamp.step(), what, stamp.runId())) {
            case STALE -> {
                record(e -> new TraceLine.Stale(e, what, stamp.runId()), stamp.step());
                return true;
            }
            case REPEATED -> {
                List<Outgoing> before = journal.sentFor(stamp.step(), what);
                record(e -> new TraceLine.Duplicate(e, what, before.size()), stamp.step());
                before.forEach(o -> deliver(o, stamp.step()));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** The command being handled, as {@link #command} recorded it. */
    public String currentCommand() {
        return journal.currentCommand();
    }

    /** Records a message to another node; returns the stamp to send with it. */
    public Stamp sending(int step, String what) {
        long clock = journal.sending();
        record(e -> new TraceLine.Send(e, what), step);
        return new Stamp(step, clock, node(), journal.runId());
    }

    /** Records a decision (a model's answer) before the node replies. */
    public void decided(int step, String detail) {
        record(e -> new TraceLine.Decide(e, detail), step);
    }

    /** Sends a protocol message through the outbox, remembering it for the command being handled. */
    public <T> void send(ActorRef<T> to, String toNode, T message, int step) {
        Outgoing o = outgoing(to, toNode, message);
        journal.remember(o);
        deliver(o, step);
    }

    /**
     * Sends a message that belongs to command {@code what} of {@code step} (handled earlier, e.g. the final answer of
     * a migration), so a repeat of that command sends it again.
     */
    public <T> void sendFor(String what, ActorRef<T> to, String toNode, T message, int step) {
        Outgoing o = outgoing(to, toNode, message);
        journal.rememberFor(step, what, o);
        deliver(o, step);
    }

    /** Sends a message again (a retry): through the outbox, but not remembered a second time. */
    public <T> void resend(ActorRef<T> to, String toNode, T message, int step) {
        deliver(outgoing(to, toNode, message), step);
    }

    /** Numbers, traces and sends observations to the monitor. */
    public void emit(int step, List<Observation> observations) {
        for (Observation o : observations) {
            Event e = journal.event(step, o);
            record(env -> new TraceLine.Event(env, e.seq(), o), step);
            deliver(outgoing(monitor, "monitor", new Observed(e, journal.runId())), step);
        }
    }

    /** Arms message rules, a partition or a heal (conductor control, never faulted). */
    public void arm(int step, List<MessageRule> rules, List<Set<String>> partition, boolean heal) {
        outbox.arm(rules);
        if (!partition.isEmpty()) {
            outbox.partition(partition);
        }
        if (heal) {
            outbox.heal();
        }
        String groups = String.join(
                " | ",
                partition.stream()
                        .map(g -> String.join(", ", g.stream().sorted().toList()))
                        .toList());
        record(e -> new TraceLine.Arm(e, rules.size(), groups, heal), step);
    }

    /** Sends events again, for a monitor that found a gap (through the outbox: faults apply). */
    public void resend(NodeCommand.ResendTo r) {
        for (Event e : journal.resendable(r.incarnation(), r.seqs())) {
            deliver(outgoing(r.monitor(), "monitor", new Observed(e, journal.runId())), e.step());
        }
    }

    public long lamport() {
        return journal.lamport();
    }

    public NodeMark mark(ActorRef<NodeCommand.ResendTo> self) {
        return new NodeMark(node(), incarnation(), journal.lastSeq(), self);
    }

    /** How many messages this outbox dropped, delayed, duplicated or reordered in the run, by {@code messages_<action>}. */
    public Map<String, Integer> injected() {
        return Map.copyOf(injected);
    }

    @SuppressWarnings("unchecked")
    private static <T> Outgoing outgoing(ActorRef<T> to, String toNode, Object message) {
        return new Outgoing((ActorRef<Object>) to, toNode, message);
    }

    private void deliver(Outgoing o, int step) {
        String kind = o.message().getClass().getSimpleName();
        Outbox.Decision d = outbox.decide(o.toNode(), kind);
        if (d.deliver()) {
            o.to().tell(o.message());
            return;
        }
        injected.merge("messages_" + d.action().label(), 1, Integer::sum);
        record(e -> new TraceLine.Fault(e, d.action().label(), o.toNode(), kind), step);
        switch (d.action()) {
            case DROP -> {}
            case DUPLICATE -> {
                o.to().tell(o.message());
                o.to().tell(o.message());
            }
            case DELAY, REORDER -> later(o, Duration.ofMillis(Math.max(1, d.delayMs())));
        }
    }

    private void later(Outgoing o, Duration delay) {
        if (scheduler == null) {
            o.to().tell(o.message());
        } else {
            scheduler.scheduleOnce(delay, () -> o.to().tell(o.message()), executor);
        }
    }

    private void record(Function<TraceLine.Envelope, TraceLine> kind, int step) {
        if (trace == null) {
            if (traceDir == null) {
                return;
            }
            trace = TraceWriter.open(traceDir, node());
        }
        trace.line(kind.apply(
                new TraceLine.Envelope(node(), incarnation(), ++lines, journal.lamport(), step, clock.millis())));
    }

    /** Closes the trace file; nothing is traced until the next run starts. */
    public void close() {
        traceDir = null;
        if (trace != null) {
            trace.close();
            trace = null;
        }
    }
}
