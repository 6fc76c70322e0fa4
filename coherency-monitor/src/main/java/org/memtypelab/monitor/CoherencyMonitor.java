package org.memtypelab.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.MonitorProtocol.MonitorReport;
import org.memtypelab.protocol.node.MonitorProtocol.Report;
import org.memtypelab.protocol.node.MonitorProtocol.Reset;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/**
 * The coherency monitor (a Cluster Singleton): collects every node's events into a {@link CoherencyLedger} and, when
 * asked, asks nodes to resend what it missed before it answers. A gap it cannot fill is reported as unobserved, so a
 * lost message delays or withholds a verdict but never hides a hazard (DESIGN.md).
 */
public final class CoherencyMonitor extends AbstractBehavior<Object> {

    public static final String NODE = "monitor";

    /** How often and how long the monitor waits for resent events before giving up on a gap. */
    static final Duration RETRY = Duration.ofMillis(100);

    static final int MAX_RETRIES = 50;

    private record Retry(Report report, int attempt) {}

    private final TimerScheduler<Object> timers;
    private static final Coherence UNTIL_REPORTED = new Coherence(CpuVendor.INTEL, true);

    private String runId = "";
    /**
     * Events by run: on a reused cluster a delayed or resent event of an earlier run can arrive after the next run's
     * reset, and must not count there. A monitor that took over mid-run keeps whatever run arrives.
     */
    private final Map<String, CoherencyLedger> ledgers = new HashMap<>();

    public static Behavior<MonitorProtocol.Command> create() {
        return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(t -> new CoherencyMonitor(ctx, t)))
                .narrow();
    }

    private CoherencyMonitor(ActorContext<Object> ctx, TimerScheduler<Object> timers) {
        super(ctx);
        this.timers = timers;
    }

    @Override
    public Receive<Object> createReceive() {
        return newReceiveBuilder()
                .onMessage(Observed.class, m -> {
                    if (!runId.isEmpty() && !m.runId().isEmpty() && !m.runId().equals(runId)) {
                        return this; // a late event of a run that is over (the conductor resets before each run)
                    }
                    ledger(m.runId().isEmpty() ? runId : m.runId()).add(m.event());
                    return this;
                })
                .onMessage(Reset.class, this::onReset)
                .onMessage(Report.class, r -> answer(r, 0))
                .onMessage(Retry.class, r -> answer(r.report(), r.attempt()))
                .build();
    }

    private Behavior<Object> onReset(Reset m) {
        runId = m.runId();
        ledgers.clear(); // earlier runs are over
        ledgers.put(runId, new CoherencyLedger(m.coherence()));
        timers.cancelAll();
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "monitor reset for " + runId, 0));
        return this;
    }

    private CoherencyLedger ledger(String run) {
        return ledgers.computeIfAbsent(run, k -> new CoherencyLedger(UNTIL_REPORTED));
    }

    private Behavior<Object> answer(Report r, int attempt) {
        CoherencyLedger ledger = ledger(r.runId());
        if (!r.runId().equals(runId)) {
            // this instance took over after the run's Reset (restart or hand-over): keep what arrived, judge it on
            // the run's platform, and ask every node below for everything else
            runId = r.runId();
            ledger = ledger.on(r.coherence());
            ledgers.put(runId, ledger);
        }
        List<CoherencyLedger.Gap> gaps = new ArrayList<>();
        for (NodeMark mark : r.marks()) {
            CoherencyLedger.Gap gap = ledger.gap(mark.node(), mark.incarnation(), mark.lastSeq());
            if (!gap.missing().isEmpty()) {
                gaps.add(gap);
                if (attempt < MAX_RETRIES) {
                    mark.resendTo()
                            .tell(new NodeCommand.ResendTo(
                                    mark.incarnation(),
                                    gap.missing(),
                                    getContext().getSelf().narrow()));
                }
            }
        }
        if (!gaps.isEmpty() && attempt < MAX_RETRIES) {
            timers.startSingleTimer(new Retry(r, attempt + 1), RETRY);
            return this;
        }
        CoherencyLedger.Report rep = ledger.assess();
        r.replyTo()
                .tell(new MonitorReport(
                        runId,
                        rep.verdict(),
                        rep.buffers(),
                        rep.mappings(),
                        rep.hazards(),
                        rep.notes(),
                        gaps,
                        ledger.size()));
        return this;
    }
}
