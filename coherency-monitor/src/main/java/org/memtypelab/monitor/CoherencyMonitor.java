package org.memtypelab.monitor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.MonitorProtocol.Message;
import org.memtypelab.protocol.node.MonitorProtocol.MonitorReport;
import org.memtypelab.protocol.node.MonitorProtocol.Report;
import org.memtypelab.protocol.node.MonitorProtocol.Reset;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.Guard;
import org.memtypelab.runtime.delivery.EventWindow;
import org.memtypelab.runtime.delivery.Resync;

/**
 * The coherency monitor (a Cluster Singleton): collects every node's events into a {@link CoherencyLedger} and, when
 * asked, asks nodes to resend what it missed before it answers ({@link Resync} decides; this actor drives it with a
 * timer). A gap it cannot fill is reported as unobserved, so a lost message delays or withholds a verdict but never
 * hides a hazard (DESIGN.md). Events are judged only on the run's platform: until a Reset or a Report names the run,
 * the monitor holds them unjudged.
 */
public final class CoherencyMonitor {

    public static final String NODE = "monitor";

    /** How often the monitor looks for resent events, and how many times it asks before reporting a gap unobserved. */
    static final Resync.Policy RESYNC = new Resync.Policy(Duration.ofMillis(100), 50);

    /** Messages only this actor sends itself. */
    private sealed interface Private extends Message permits Retry {}

    /** The resend loop's timer for {@code report}, after {@code attempt} rounds of resend requests. */
    private record Retry(Report report, int attempt) implements Private {}

    /** The run being judged, on its platform: from its Reset, or from its Report for a monitor that took over. */
    private record Run(String id, Coherence platform) {}

    private final ActorContext<Message> ctx;
    private final TimerScheduler<Message> timers;
    private final Resync.Policy policy;
    /**
     * Events by run: on a reused cluster a delayed or resent event of an earlier run can arrive after the next run's
     * reset, and must not count there. A monitor that took over mid-run keeps whatever run arrives.
     */
    private final Map<String, CoherencyLedger> ledgers = new HashMap<>();

    public static Behavior<MonitorProtocol.Command> create() {
        return create(RESYNC);
    }

    static Behavior<MonitorProtocol.Command> create(Resync.Policy policy) {
        // hostile input is dropped before the monitor sees it; it has no trace file, so the guard's log is the record
        return Behaviors.<Message>setup(outer -> Guard.<Message>of(
                        new EventWindow()::admit,
                        (m, why) -> {},
                        Behaviors.withTimers(timers -> new CoherencyMonitor(outer, timers, policy).runUnknown())))
                .narrow();
    }

    private CoherencyMonitor(ActorContext<Message> ctx, TimerScheduler<Message> timers, Resync.Policy policy) {
        this.ctx = ctx;
        this.timers = timers;
        this.policy = policy;
    }

    /** A fresh monitor, or one that took over mid-run: no Reset seen, so every event is kept under its own run. */
    private Behavior<Message> runUnknown() {
        return Behaviors.receive(Message.class)
                .onMessage(Observed.class, m -> {
                    ledger(m.runId()).add(m.event());
                    return Behaviors.same();
                })
                .onMessage(Reset.class, this::onReset)
                .onMessage(Report.class, r -> tookOver(r, 0))
                .build();
    }

    private Behavior<Message> judging(Run run) {
        return Behaviors.receive(Message.class)
                .onMessage(Observed.class, m -> {
                    if (!run.id().isEmpty()
                            && !m.runId().isEmpty()
                            && !m.runId().equals(run.id())) {
                        return Behaviors.same(); // a late event of a run that is over (the conductor resets first)
                    }
                    ledger(m.runId().isEmpty() ? run.id() : m.runId()).add(m.event());
                    return Behaviors.same();
                })
                .onMessage(Reset.class, this::onReset)
                .onMessage(Report.class, r -> onReport(run, r, 0))
                .onMessage(Retry.class, t -> onReport(run, t.report(), t.attempt()))
                .build();
    }

    private Behavior<Message> onReset(Reset m) {
        ledgers.clear(); // earlier runs are over
        timers.cancelAll();
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "monitor reset for " + m.runId(), 0));
        return judging(new Run(m.runId(), m.coherence()));
    }

    private Behavior<Message> onReport(Run run, Report r, int attempt) {
        if (!r.runId().equals(run.id())) {
            return tookOver(r, attempt);
        }
        resync(run, r, attempt);
        return Behaviors.same();
    }

    /**
     * This instance missed the run's Reset (a restart or a hand-over): judge what arrived on the platform the Report
     * repeats, and ask the nodes for everything else.
     */
    private Behavior<Message> tookOver(Report r, int attempt) {
        Run run = new Run(r.runId(), r.coherence());
        resync(run, r, attempt);
        return judging(run);
    }

    private void resync(Run run, Report r, int attempt) {
        CoherencyLedger ledger = ledger(run.id());
        List<Resync.Mark<ActorRef<NodeCommand.ResendTo>>> marks = r.marks().stream()
                .map(m -> new Resync.Mark<>(m.node(), m.incarnation(), m.lastSeq(), m.resendTo()))
                .toList();
        Resync<ActorRef<NodeCommand.ResendTo>> loop = new Resync<>(policy, marks);
        var next = attempt == 0 ? loop.requested(ledger::gap) : loop.retry(attempt, ledger::gap);
        if (next instanceof Resync.Ask<ActorRef<NodeCommand.ResendTo>> ask) {
            ActorRef<MonitorProtocol.Command> self = ctx.getSelf().narrow();
            ask.resends().forEach(s -> s.to().tell(new NodeCommand.ResendTo(s.incarnation(), s.seqs(), self)));
            timers.startSingleTimer(new Retry(r, ask.attempt()), ask.after());
        } else if (next instanceof Resync.Answer<ActorRef<NodeCommand.ResendTo>> answer) {
            CoherencyLedger.Report rep = ledger.assess(run.platform());
            r.replyTo()
                    .tell(new MonitorReport(
                            run.id(),
                            rep.verdict(),
                            rep.buffers(),
                            rep.mappings(),
                            rep.hazards(),
                            rep.notes(),
                            answer.unobserved(),
                            ledger.size()));
        }
    }

    private CoherencyLedger ledger(String run) {
        return ledgers.computeIfAbsent(run, k -> new CoherencyLedger());
    }
}
