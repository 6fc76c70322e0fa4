package org.memtypelab.runtime.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;

/**
 * The delivery bookkeeping of one node in one run: its Lamport clock, its numbered events (kept for resends), and the
 * commands it handled with what each sent, so a repeated command is answered again without acting twice. Pure: no
 * Pekko, no I/O, no clock; {@code S} is whatever the driver remembers of a sent message (a destination and the
 * message), handed back unchanged for resends.
 */
public final class Journal<S> {

    /** How a received command relates to what this node handled before. */
    public enum Seen {
        /** Not seen in this run: act on it. */
        NEW,
        /** Seen before: send again what it sent then, do not act. */
        REPEATED,
        /** A late copy of an earlier run's command on a reused cluster: acting on it would change this run. */
        STALE
    }

    private final String node;
    private final long incarnation;
    private final List<Event> events = new ArrayList<>();
    private final Map<String, List<S>> handled = new HashMap<>();
    private List<S> current = new ArrayList<>();
    private String currentCommand = "";
    private String runId = "";
    private long lamport;

    public Journal(String node, long incarnation) {
        this.node = node;
        this.incarnation = incarnation;
    }

    public String node() {
        return node;
    }

    public long incarnation() {
        return incarnation;
    }

    public String runId() {
        return runId;
    }

    public long lamport() {
        return lamport;
    }

    /** The number of the last event this node emitted in the run. */
    public long lastSeq() {
        return events.size();
    }

    /** The command being handled, as {@link #command} recorded it. */
    public String currentCommand() {
        return currentCommand;
    }

    /** Starts a run: a fresh event stream, no commands handled, the clock at zero. */
    public void start(String run) {
        events.clear();
        handled.clear();
        current = new ArrayList<>();
        currentCommand = "";
        runId = run;
        lamport = 0;
    }

    /** A message arrived: the clock moves past the sender's. */
    public void received(long senderLamport) {
        lamport = Math.max(lamport, senderLamport) + 1;
    }

    /** A message leaves: the clock ticks; returns the stamp's clock. */
    public long sending() {
        return ++lamport;
    }

    /**
     * Classifies a received command ({@code step}, {@code what}) of run {@code commandRun} (empty: this run). A new
     * one becomes the current command, and what is sent until the next one is filed under it.
     */
    public Seen command(int step, String what, String commandRun) {
        if (!commandRun.isEmpty() && !commandRun.equals(runId)) {
            return Seen.STALE;
        }
        String key = key(step, what);
        if (handled.containsKey(key)) {
            return Seen.REPEATED;
        }
        current = new ArrayList<>();
        currentCommand = what;
        handled.put(key, current);
        return Seen.NEW;
    }

    /** What command ({@code step}, {@code what}) sent, in order (empty if it sent nothing or was never handled). */
    public List<S> sentFor(int step, String what) {
        return List.copyOf(handled.getOrDefault(key(step, what), List.of()));
    }

    /** Files a sent message under the current command. */
    public void remember(S sent) {
        current.add(sent);
    }

    /** Files a sent message under command ({@code step}, {@code what}), e.g. the late final answer of a migration. */
    public void rememberFor(int step, String what, S sent) {
        handled.computeIfAbsent(key(step, what), k -> new ArrayList<>()).add(sent);
    }

    /** Numbers an observation as this node's next event; the clock ticks. */
    public Event event(int step, Observation observation) {
        lamport++;
        Event e = new Event(node, incarnation, events.size() + 1, step, lamport, observation);
        events.add(e);
        return e;
    }

    /** The events a monitor asks again for; none if it asks another incarnation's (they died with it). */
    public List<Event> resendable(long ofIncarnation, List<Long> seqs) {
        if (ofIncarnation != incarnation) {
            return List.of();
        }
        List<Event> out = new ArrayList<>();
        for (long s : seqs) {
            if (s >= 1 && s <= events.size()) {
                out.add(events.get((int) s - 1));
            }
        }
        return out;
    }

    private static String key(int step, String what) {
        return step + "/" + what;
    }
}
