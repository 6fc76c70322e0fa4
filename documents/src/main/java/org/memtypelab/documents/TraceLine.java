package org.memtypelab.documents;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.memtypelab.core.coherency.Observation;

/**
 * One line of a node's {@code trace-<node>.jsonl} and of the run's merged {@code history.jsonl}: the envelope every
 * line has ({@code node}, {@code incarnation}, {@code line} - its number in the node's trace of this run, from 1 -,
 * {@code lamport}, {@code step} - 0 is set-up -, {@code wall} - the only field replays disagree on) and, by
 * {@code kind}, what it records. The same types write and read the files; the schema is
 * {@code docs/schemas/trace-line.schema.json}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TraceLine.Setup.class, name = "setup"),
    @JsonSubTypes.Type(value = TraceLine.Recv.class, name = "recv"),
    @JsonSubTypes.Type(value = TraceLine.Stale.class, name = "stale"),
    @JsonSubTypes.Type(value = TraceLine.Duplicate.class, name = "duplicate"),
    @JsonSubTypes.Type(value = TraceLine.Send.class, name = "send"),
    @JsonSubTypes.Type(value = TraceLine.Decide.class, name = "decide"),
    @JsonSubTypes.Type(value = TraceLine.Event.class, name = "event"),
    @JsonSubTypes.Type(value = TraceLine.Arm.class, name = "arm"),
    @JsonSubTypes.Type(value = TraceLine.Fault.class, name = "fault"),
    @JsonSubTypes.Type(value = TraceLine.Rejected.class, name = "rejected")
})
public sealed interface TraceLine {

    String node();

    long incarnation();

    long line();

    long lamport();

    int step();

    long wall();

    /** The kind's name as the file writes it ({@code recv}, {@code event}, ...). */
    @JsonIgnore
    default String kind() {
        for (JsonSubTypes.Type t :
                TraceLine.class.getAnnotation(JsonSubTypes.class).value()) {
            if (t.value() == getClass()) {
                return t.name();
            }
        }
        throw new IllegalStateException(getClass() + " is not listed in TraceLine's @JsonSubTypes");
    }

    /** What every line starts with; the node's journal fills it in. */
    record Envelope(String node, long incarnation, long line, long lamport, int step, long wall) {}

    /** The node joined run {@code run} with {@code seed}. */
    record Setup(String node, long incarnation, long line, long lamport, int step, long wall, String run, long seed)
            implements TraceLine {
        public Setup(Envelope e, String run, long seed) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), run, seed);
        }
    }

    /** Message {@code what} arrived from {@code from}. */
    record Recv(String node, long incarnation, long line, long lamport, int step, long wall, String what, String from)
            implements TraceLine {
        public Recv(Envelope e, String what, String from) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), what, from);
        }
    }

    /** Command {@code what} of an earlier run {@code run} arrived late and was not acted on. */
    record Stale(String node, long incarnation, long line, long lamport, int step, long wall, String what, String run)
            implements TraceLine {
        public Stale(Envelope e, String what, String run) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), what, run);
        }
    }

    /** Command {@code what} arrived again: answered without acting, {@code resent} messages sent again. */
    record Duplicate(
            String node, long incarnation, long line, long lamport, int step, long wall, String what, int resent)
            implements TraceLine {
        public Duplicate(Envelope e, String what, int resent) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), what, resent);
        }
    }

    /** Message {@code what} left. */
    record Send(String node, long incarnation, long line, long lamport, int step, long wall, String what)
            implements TraceLine {
        public Send(Envelope e, String what) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), what);
        }
    }

    /** A decision: a model's answer, a retry, an injected fault. */
    record Decide(String node, long incarnation, long line, long lamport, int step, long wall, String detail)
            implements TraceLine {
        public Decide(Envelope e, String detail) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), detail);
        }
    }

    /** Event {@code seq} of this incarnation, sent to the monitor. */
    record Event(
            String node,
            long incarnation,
            long line,
            long lamport,
            int step,
            long wall,
            long seq,
            Observation observation)
            implements TraceLine {
        public Event(Envelope e, long seq, Observation observation) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), seq, observation);
        }
    }

    /** Faults armed in the outbox: {@code rules} more message rules, a {@code partition} ({@code []}: none), a heal. */
    record Arm(
            String node,
            long incarnation,
            long line,
            long lamport,
            int step,
            long wall,
            int rules,
            String partition,
            boolean heal)
            implements TraceLine {
        public Arm(Envelope e, int rules, String partition, boolean heal) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), rules, partition, heal);
        }
    }

    /** The outbox applied {@code fault} (drop, delay, duplicate, reorder) to a {@code message} for {@code to}. */
    record Fault(
            String node,
            long incarnation,
            long line,
            long lamport,
            int step,
            long wall,
            String fault,
            String to,
            String message)
            implements TraceLine {
        public Fault(Envelope e, String fault, String to, String message) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), fault, to, message);
        }
    }

    /** An invalid {@code message} (its type) arrived and was dropped without acting: {@code reason} says what is wrong. */
    record Rejected(
            String node, long incarnation, long line, long lamport, int step, long wall, String message, String reason)
            implements TraceLine {
        public Rejected(Envelope e, String message, String reason) {
            this(e.node(), e.incarnation(), e.line(), e.lamport(), e.step(), e.wall(), message, reason);
        }
    }
}
