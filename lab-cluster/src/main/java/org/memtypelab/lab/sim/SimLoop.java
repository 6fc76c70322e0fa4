package org.memtypelab.lab.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.dispatch.Mailbox;
import scala.concurrent.ExecutionContext;

/**
 * The simulator's one thread and its virtual clock. Every dispatcher of a simulated ActorSystem hands its work here
 * ({@link SimExecutor}) and every timer is kept here ({@link SimScheduler}), so the actors run one task at a time in
 * the order the tasks were submitted: a run is a deterministic function of its inputs. Time passes only while a
 * caller {@linkplain #drive drives} the loop, and then only when nothing is ready: the earliest timer fires at once,
 * so a 2 s retry window costs no real time.
 *
 * <p>Pekko's own {@code ExplicitlyTriggeredScheduler} is not used: it sleeps 100 ms each time it advances and orders
 * timers due at the same instant by hash, which would make runs slow and their order vary.
 */
public final class SimLoop extends AbstractExecutorService {

    private static final Map<String, SimLoop> LOOPS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    /** One timer: due at virtual {@code at}; ties keep the order they were set in ({@code seq}). */
    private final class Timer implements Cancellable, Comparable<Timer> {
        final long seq;
        final long interval;
        final Runnable task;
        final ExecutionContext ec;
        long at;
        boolean cancelled;

        Timer(long at, long seq, long interval, Runnable task, ExecutionContext ec) {
            this.at = at;
            this.seq = seq;
            this.interval = interval;
            this.task = task;
            this.ec = ec;
        }

        @Override
        public boolean cancel() {
            synchronized (lock) {
                boolean was = !cancelled;
                cancelled = true;
                return was;
            }
        }

        @Override
        public boolean isCancelled() {
            synchronized (lock) {
                return cancelled;
            }
        }

        @Override
        public int compareTo(Timer o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    /**
     * Picks which of several actors with work runs next (an explorer's choice point); without one, the loop takes the
     * oldest. Only mailboxes compete: a mailbox is scheduled at most once, so each alternative is another actor, and
     * one actor's messages keep their order (as Artery keeps them per pair of nodes).
     */
    public interface Chooser {
        /** An index in {@code [0, alternatives)}; 0 is the oldest. */
        int choose(int alternatives);

        /** Whether the actor named {@code name} takes part in the choice (the others run in order). */
        default boolean competes(String name) {
            return true;
        }
    }

    private final String id;
    private final Object lock = new Object();
    private Chooser chooser;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Actors whose mailboxes are held (a paused node), by path, until virtual time. */
    private final Map<String, Long> paused = new HashMap<>();

    private final List<Runnable> held = new ArrayList<>();
    private final Thread thread;
    private long now;
    private long timerSeq;
    /** While a caller drives the loop: the virtual time timers may fire until; -1 otherwise. */
    private long deadline = -1;

    private boolean busy;
    private boolean sleeping;
    private boolean closed;
    private long tasks;
    /** Tasks that threw (Pekko handles an actor's failure itself; this counts what escaped). */
    private long failures;

    private SimLoop(String id) {
        this.id = id;
        this.thread = new Thread(this::loop, "memtype-lab-sim-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    /** A new loop with its own thread, registered under a fresh id for the ActorSystem's configuration. */
    public static SimLoop start() {
        String id = Long.toString(IDS.incrementAndGet());
        SimLoop loop = new SimLoop(id);
        LOOPS.put(id, loop);
        return loop;
    }

    /** The loop registered under {@code id} (the {@code memtype-lab.sim.loop} setting). */
    static SimLoop named(String id) {
        SimLoop loop = LOOPS.get(id);
        if (loop == null) {
            throw new IllegalStateException("no simulator loop " + id + " is running");
        }
        return loop;
    }

    public String id() {
        return id;
    }

    /** Virtual milliseconds since the loop started or was last {@linkplain #reset() reset}. */
    public long now() {
        synchronized (lock) {
            return now;
        }
    }

    /** How many tasks the loop ran (for the benchmark). */
    public long tasks() {
        synchronized (lock) {
            return tasks;
        }
    }

    // --- what Pekko calls ---

    @Override
    public void execute(Runnable task) {
        synchronized (lock) {
            if (!paused.isEmpty() && isHeld(task)) {
                held.add(task);
                return;
            }
            ready.add(task);
            wake();
        }
    }

    /** A timer after {@code delayMs} virtual ms (then every {@code intervalMs}, if positive), run on {@code ec}. */
    Cancellable timer(long delayMs, long intervalMs, Runnable task, ExecutionContext ec) {
        synchronized (lock) {
            Timer t = new Timer(now + Math.max(0, delayMs), ++timerSeq, intervalMs, task, ec);
            timers.add(t);
            wake();
            return t;
        }
    }

    // --- what the simulated cluster calls ---

    /**
     * Holds every task of the actor at {@code path} (its mailbox) for {@code ms} virtual ms, as a long GC pause or
     * SIGSTOP would: messages to it queue up and are handled when the pause ends.
     */
    void pause(String path, long ms) {
        synchronized (lock) {
            long until = now + ms;
            paused.put(path, until);
            timer(
                    ms,
                    0,
                    () -> {
                        synchronized (lock) {
                            if (paused.getOrDefault(path, Long.MAX_VALUE) <= this.now) {
                                paused.remove(path);
                                List<Runnable> again = new ArrayList<>(held);
                                held.clear();
                                again.forEach(this::execute);
                            }
                        }
                    },
                    null);
        }
    }

    /**
     * Runs the loop, advancing virtual time by at most {@code bound}, until {@code result} is done or nothing more can
     * happen within the bound. Returns whether {@code result} is done.
     */
    public boolean drive(CompletableFuture<?> result, Duration bound) throws InterruptedException {
        result.whenComplete((v, e) -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        });
        synchronized (lock) {
            deadline = now + bound.toMillis();
            wake();
            try {
                while (!result.isDone()) {
                    if (!busy && ready.isEmpty() && !timerDue()) {
                        break; // quiescent: nothing will happen within the bound
                    }
                    lock.wait();
                }
            } finally {
                deadline = -1;
            }
            return result.isDone();
        }
    }

    /** What the loop holds now, for a run that gave up. */
    public String describe() {
        synchronized (lock) {
            return "virtual time " + now + " ms, " + ready.size() + " ready, " + timers.size() + " timers"
                    + (timers.isEmpty() ? "" : " (next at " + timers.peek().at + " ms)") + ", " + held.size()
                    + " held, "
                    + failures + " failed tasks";
        }
    }

    /** Waits until every ready task has run (time does not pass). */
    public void settle() throws InterruptedException {
        synchronized (lock) {
            while (busy || !ready.isEmpty()) {
                lock.wait();
            }
        }
    }

    /**
     * Between runs: forgets every timer and held task (they belong to the run that ended) and sets the clock to 0, so
     * each run starts from the same virtual state. Call after {@link #settle()}.
     */
    public void reset() {
        synchronized (lock) {
            timers.clear();
            paused.clear();
            held.clear();
            now = 0;
            timerSeq = 0;
        }
    }

    /** Stops the thread; the loop accepts no more work. */
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        LOOPS.remove(id);
    }

    // --- the thread ---

    private void loop() {
        while (true) {
            Runnable next;
            synchronized (lock) {
                busy = false;
                while ((next = next()) == null) {
                    if (closed) {
                        return;
                    }
                    lock.notifyAll(); // idle: a caller may wait for that
                    sleeping = true;
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        sleeping = false;
                    }
                }
                busy = true;
                tasks++;
            }
            try {
                next.run();
            } catch (Throwable t) { // an actor's failure is Pekko's to handle; a task's must not stop the loop
                failures++;
                // nothing to do: Pekko's mailboxes handle actor failures themselves
            }
        }
    }

    /** Lets {@code chooser} pick among ready actors from now on; null: the oldest first. */
    public void chooser(Chooser chooser) {
        synchronized (lock) {
            this.chooser = chooser;
        }
    }

    /** The next task: a ready one (the chooser's pick among actors), else the earliest due timer (time moves to it). */
    private Runnable next() {
        Runnable r = chooser == null ? ready.poll() : chosen();
        if (r != null) {
            return r;
        }
        if (!timerDue()) {
            return null;
        }
        Timer t = timers.poll();
        now = Math.max(now, t.at);
        if (t.interval > 0) {
            t.at = now + t.interval;
            timers.add(t);
        }
        return () -> fire(t);
    }

    /**
     * The ready mailbox the chooser picks among those that compete (the oldest is 0); when the oldest task does not
     * compete (another task, an actor outside the choice), it runs first.
     */
    private Runnable chosen() {
        Runnable head = ready.peek();
        if (!(head instanceof Mailbox h)
                || h.actor() == null
                || !chooser.competes(h.actor().self().path().name())) {
            return ready.poll();
        }
        List<Runnable> mailboxes = new ArrayList<>();
        for (Runnable t : ready) {
            if (t instanceof Mailbox m
                    && chooser.competes(
                            m.actor() == null ? "" : m.actor().self().path().name())) {
                mailboxes.add(t);
            }
        }
        if (mailboxes.size() < 2) {
            return ready.poll();
        }
        Runnable pick = mailboxes.get(chooser.choose(mailboxes.size()));
        ready.removeFirstOccurrence(pick);
        return pick;
    }

    /** Whether a live timer is due within the deadline (dropping cancelled ones on the way). */
    private boolean timerDue() {
        while (!timers.isEmpty() && timers.peek().cancelled) {
            timers.poll();
        }
        return deadline >= 0 && !timers.isEmpty() && timers.peek().at <= deadline;
    }

    private static void fire(SimLoop.Timer t) {
        if (t.ec == null) {
            t.task.run();
        } else {
            t.ec.execute(t.task);
        }
    }

    private void wake() {
        if (sleeping || deadline >= 0) {
            lock.notifyAll();
        }
    }

    private boolean isHeld(Runnable task) {
        if (!(task instanceof Mailbox m) || m.actor() == null) {
            return false;
        }
        Long until = paused.get(m.actor().self().path().toStringWithoutAddress());
        return until != null && until > now;
    }

    // --- ExecutorService: the dispatchers' view; a dispatcher shuts its executor down when idle, the loop stays ---

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
