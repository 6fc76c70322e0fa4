package org.memtypelab.runtime.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.ProtocolChecks;

/**
 * The monitor's admission of node events: well formed ({@link ProtocolChecks}), and not from the future - an event
 * number far past the highest seen from that node incarnation, or an incarnation far past the node's highest. Late,
 * duplicated and reordered events stay legal. Pure: no Pekko; {@link #admit} remembers what it let in.
 */
public final class EventWindow {

    /** How far past the highest event number seen from an incarnation a new one may be (drops leave gaps). */
    public static final long SEQ_WINDOW = 1L << 16;

    /** How many incarnations past the highest seen a node may be (each restart adds one). */
    public static final long INCARNATION_WINDOW = 1L << 10;

    private final Map<String, Long> incarnations = new HashMap<>();
    private final Map<String, Long> seqs = new HashMap<>();

    /** What is wrong with {@code message}; empty if it may be acted on (an event is then remembered). */
    public Optional<String> admit(Object message) {
        Optional<String> p = ProtocolChecks.problem(message);
        if (p.isPresent() || !(message instanceof Observed o)) {
            return p;
        }
        Event e = o.event();
        Long highest = incarnations.get(e.node());
        if (highest != null && e.incarnation() > highest + INCARNATION_WINDOW) {
            return Optional.of("event of " + e.node() + " incarnation " + e.incarnation()
                    + ", from the future: the highest seen is " + highest);
        }
        String stream = e.node() + "/" + e.incarnation();
        long last = seqs.getOrDefault(stream, 0L);
        if (e.seq() > last + SEQ_WINDOW) {
            return Optional.of("event " + e.seq() + " of " + stream + ", far past the highest seen, " + last);
        }
        incarnations.merge(e.node(), e.incarnation(), Math::max);
        seqs.merge(stream, e.seq(), Math::max);
        return Optional.empty();
    }
}
