package org.memtypelab.protocol.node;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.protocol.CborSerializable;

/** Messages of the coherency monitor singleton. */
public final class MonitorProtocol {

    private MonitorProtocol() {}

    /**
     * Everything the monitor actor handles: its {@link Command}s and the messages it sends itself (its retry timer),
     * which are private to it. The Pekko style guide's public/private split: the actor is a {@code Behavior<Message>}
     * narrowed to {@code Behavior<Command>}, so nobody else can send it a private one.
     */
    public interface Message {}

    /** Everything the monitor accepts from others. */
    public sealed interface Command extends Message, CborSerializable permits Observed, Reset, Report {}

    /** Starts a new run: forget every event. */
    public record Reset(String runId, Coherence coherence, ActorRef<StepDone> replyTo) implements Command {}

    /**
     * Asks for the verdict once every node's events up to its mark have arrived (resends asked for gaps). It repeats
     * the run's platform so a monitor that took over after the reset (a restart, a hand-over) judges it right.
     */
    public record Report(String runId, Coherence coherence, List<NodeMark> marks, ActorRef<MonitorReport> replyTo)
            implements Command {}

    /** The monitor's conclusions, with what it could not observe. */
    public record MonitorReport(
            String runId,
            Verdict verdict,
            Map<String, Verdict> buffers,
            List<Mapping> mappings,
            List<Hazard> hazards,
            List<String> notes,
            List<CoherencyLedger.Gap> unobserved,
            int events)
            implements CborSerializable {}
}
