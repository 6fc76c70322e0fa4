package org.memtypelab.runtime.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.CoherencyLedger.Gap;

/**
 * The coherency monitor's resend loop for one report request: while events a node says it sent are missing, ask that
 * node to send them again and look once more after an interval; after the last attempt, answer with what is still
 * missing as unobserved, so a lost message delays or withholds a verdict but never hides a hazard (DESIGN.md). Pure:
 * no Pekko, no clock; the interval and the number of attempts are data, the ledger's gaps and "the retry timer fired"
 * are inputs, and the driver schedules the timer it is told to.
 *
 * @param <A> where the driver sends a node its resend request (an actor ref), handed back unchanged
 */
public final class Resync<A> {

    /**
     * How long to wait for resent events before looking again, and how many rounds of resend requests to make before
     * answering with the gaps left.
     */
    public record Policy(Duration interval, int attempts) {
        public Policy {
            if (interval.isNegative() || interval.isZero() || attempts < 0) {
                throw new IllegalArgumentException("resync policy needs a positive interval and attempts >= 0, got "
                        + interval + " and " + attempts);
            }
        }
    }

    /** How far one node's event stream goes, as the report request states it, and where to ask it for resends. */
    public record Mark<A>(String node, long incarnation, long lastSeq, A resendTo) {}

    /** The monitor's gaps as they are now, as {@link CoherencyLedger#gap} computes them. */
    @FunctionalInterface
    public interface Gaps {
        Gap gap(String node, long incarnation, long upTo);
    }

    /** What the driver does next. */
    public sealed interface Step<A> permits Ask, Answer {}

    /** Ask one node incarnation to send these events again. */
    public record Resend<A>(String node, long incarnation, List<Long> seqs, A to) {}

    /**
     * Send {@code resends}, then call {@link #retry} with {@code attempt} once {@code after} has passed.
     *
     * @param attempt how many rounds of resend requests have been made, this one included
     */
    public record Ask<A>(List<Resend<A>> resends, int attempt, Duration after) implements Step<A> {}

    /** Answer the report now; {@code unobserved} are the gaps still open (none when every stream is complete). */
    public record Answer<A>(List<Gap> unobserved) implements Step<A> {}

    private final Policy policy;
    private final List<Mark<A>> marks;

    public Resync(Policy policy, List<Mark<A>> marks) {
        this.policy = policy;
        this.marks = List.copyOf(marks);
    }

    /** The report request arrived: answer at once if nothing is missing, else ask for the first round of resends. */
    public Step<A> requested(Gaps gaps) {
        return look(0, gaps);
    }

    /** The timer of {@code attempt} (from an {@link Ask}) fired: answer, or ask again while attempts are left. */
    public Step<A> retry(int attempt, Gaps gaps) {
        if (attempt < 1) {
            throw new IllegalArgumentException("a retry follows at least one round of resends, got " + attempt);
        }
        return look(attempt, gaps);
    }

    private Step<A> look(int made, Gaps gaps) {
        List<Gap> open = new ArrayList<>();
        List<Resend<A>> resends = new ArrayList<>();
        for (Mark<A> m : marks) {
            Gap gap = gaps.gap(m.node(), m.incarnation(), m.lastSeq());
            if (!gap.missing().isEmpty()) {
                open.add(gap);
                resends.add(new Resend<>(m.node(), m.incarnation(), List.copyOf(gap.missing()), m.resendTo()));
            }
        }
        if (open.isEmpty() || made >= policy.attempts()) {
            return new Answer<>(List.copyOf(open));
        }
        return new Ask<>(List.copyOf(resends), made + 1, policy.interval());
    }
}
