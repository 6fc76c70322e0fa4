package org.memtypelab.lab.explore;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.TraceLine;
import org.memtypelab.documents.TraceTruth;
import org.memtypelab.lab.run.Conductor;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.sim.SimCluster;
import org.memtypelab.lab.sim.SimLoop;

/**
 * Explores a scenario in the simulator: every placement of up to {@code maxFaults} faults ({@link Placements}) and,
 * for each, the delivery orders reachable with up to {@code preemptions} departures from the oldest-first order at
 * the loop's choice points (which actor runs next when several have work) - preemption-bounded exhaustive search, as
 * CHESS does. Each schedule is a seeded, deterministic run; each is checked against the guarantees:
 *
 * <ul>
 *   <li>the monitor misses no hazard its run's traces show, and never says {@code consistent} when one existed;
 *   <li>it reports no hazard no trace shows;
 *   <li>without a crash, the nodes act on the same hazards as the fault-free run (a dropped, repeated or reordered
 *       message is retried, deduplicated or resent); a crash may change them - a new incarnation starts empty - and
 *       that difference is counted as explained, not as a violation;
 *   <li>a run ends incomplete (exit 3) only when a crash was placed: message faults alone are recovered.
 * </ul>
 *
 * <p>A schedule's number is its place in this order; two schedules that wrote the same history are one distinct
 * state.
 */
public final class Explorer {

    /**
     * @param preemptions departures from the oldest-first order explored for the fault-free plan
     * @param faultPreemptions the same for each plan with faults (every placement times every order grows fast)
     * @param cap wall time after which no new schedule starts (the report says it was capped)
     */
    public record Options(int maxFaults, int preemptions, int faultPreemptions, int schedulesPerPlan, Duration cap) {}

    /** The actors whose order is explored: the nodes, the monitor and the conductor's run (not Pekko's own). */
    static boolean competes(String actorName) {
        return actorName.startsWith("kvm-node")
                || actorName.startsWith("qemu-node")
                || actorName.startsWith("gpu-process-node")
                || actorName.startsWith("migration-node")
                || actorName.startsWith("monitor")
                || actorName.startsWith("conductor-run");
    }

    /** A schedule that broke a guarantee: its faults, its choices at the choice points, and what broke. */
    public record Violation(
            List<Placements.Placement> faults, List<Integer> placements, List<Integer> choices, String description) {
        public String faultsDescribed() {
            return faults.isEmpty()
                    ? "no faults"
                    : String.join(
                            "; ",
                            faults.stream().map(Placements.Placement::describe).toList());
        }
    }

    /** What an exploration found. */
    public record Report(
            String scenario,
            long states,
            long distinct,
            int maxDepth,
            long ms,
            int plans,
            long explained,
            boolean capped,
            List<Violation> violations) {}

    private final SimCluster sim;
    private final Conductor conductor;
    private final Path work;

    public Explorer(SimCluster sim, Path work) {
        this.sim = sim;
        this.conductor = new Conductor(sim);
        this.work = work;
    }

    /** Explores {@code s} without its own faults (every placement replaces them). */
    public Report explore(Scenario s, Options o) {
        long start = System.nanoTime();
        long deadline = start + o.cap().toNanos();
        Played oracle = play(s, FaultPlan.NONE, List.of());
        List<String> oracleHazards = oracle.truthKeys();
        List<Placements.Placement> all =
                Placements.of(oracle.traces(), s.steps().size());
        List<List<Placements.Placement>> plans = Placements.upTo(all, o.maxFaults());
        Set<String> histories = new HashSet<>();
        List<Violation> violations = new ArrayList<>();
        long states = 0;
        long explained = 0;
        int maxDepth = 0;
        boolean capped = false;
        int plansDone = 0;
        for (List<Placements.Placement> faults : plans) {
            if (System.nanoTime() > deadline) {
                capped = true;
                break;
            }
            plansDone++;
            FaultPlan plan = Placements.plan(faults);
            boolean crash = faults.stream().anyMatch(p -> p.describe().startsWith("crash"));
            Deque<List<Integer>> prefixes = new ArrayDeque<>();
            prefixes.push(List.of());
            int schedules = 0;
            while (!prefixes.isEmpty() && schedules < o.schedulesPerPlan()) {
                if (System.nanoTime() > deadline) {
                    capped = true;
                    break;
                }
                List<Integer> prefix = prefixes.pop();
                Played p = play(s, plan, prefix);
                schedules++;
                states++;
                maxDepth = Math.max(maxDepth, p.alternatives().size());
                histories.add(p.digest());
                String broken = judge(p, oracleHazards, crash);
                if (broken == null && crash && !p.truthKeys().equals(oracleHazards)) {
                    explained++;
                }
                if (broken != null) {
                    violations.add(new Violation(
                            faults, faults.stream().map(all::indexOf).toList(), p.choices(), broken));
                }
                // children: one more departure from the oldest-first order, after the prefix
                int used = (int) prefix.stream().filter(c -> c != 0).count();
                if (used < (faults.isEmpty() ? o.preemptions() : o.faultPreemptions())) {
                    for (int j = p.alternatives().size() - 1; j >= prefix.size(); j--) {
                        for (int alt = p.alternatives().get(j) - 1; alt >= 1; alt--) {
                            List<Integer> child = new ArrayList<>(p.choices().subList(0, j));
                            child.add(alt);
                            prefixes.push(child);
                        }
                    }
                }
            }
            if (!prefixes.isEmpty()) {
                capped = true;
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Report(s.name(), states, histories.size(), maxDepth, ms, plansDone, explained, capped, violations);
    }

    /** Plays one schedule again: the same faults and choices give the same run. */
    public String replay(Scenario s, List<Placements.Placement> faults, List<Integer> choices) {
        Played oracle = play(s, FaultPlan.NONE, List.of());
        Played p = play(s, Placements.plan(faults), choices);
        String broken = judge(
                p,
                oracle.truthKeys(),
                faults.stream().anyMatch(f -> f.describe().startsWith("crash")));
        return broken == null ? "holds" : broken;
    }

    /** The placements of {@code s}'s fault-free run, in the order {@link #explore} numbers them. */
    public List<Placements.Placement> placements(Scenario s) {
        Played oracle = play(s, FaultPlan.NONE, List.of());
        return Placements.of(oracle.traces(), s.steps().size());
    }

    /** Which guarantee a run broke, or null. */
    private static String judge(Played p, List<String> oracleHazards, boolean crash) {
        RunOutcome run = p.run();
        if (!run.incomplete().isEmpty()) {
            // exit 3 is allowed only where a crash took events or state with it (the monitor then names what it could
            // not observe); message faults alone are retried, deduplicated and resent
            return crash
                    ? null
                    : "exit 3 although no crash was placed (retries and resends recover message faults): "
                            + run.incomplete();
        }
        TraceTruth.Comparison truth = p.truth();
        if (!truth.missed().isEmpty()) {
            return "the monitor missed hazards its traces show: " + TraceTruth.keys(truth.missed())
                    + (run.report().verdict() == Verdict.CONSISTENT ? " (and said consistent)" : "");
        }
        if (!truth.falseAlarms().isEmpty()) {
            return "the monitor reported hazards no trace shows: " + TraceTruth.keys(truth.falseAlarms());
        }
        if (!crash && !p.truthKeys().equals(oracleHazards)) {
            return "without a crash the nodes acted on hazards " + p.truthKeys() + ", the fault-free run on "
                    + oracleHazards;
        }
        return null;
    }

    /** One schedule's run and what the explorer needs of it. */
    private record Played(
            RunOutcome run,
            List<TraceLine> traces,
            TraceTruth.Comparison truth,
            List<String> truthKeys,
            List<Integer> choices,
            List<Integer> alternatives,
            String digest) {}

    private Played play(Scenario s, FaultPlan plan, List<Integer> prefix) {
        List<Integer> choices = new ArrayList<>();
        List<Integer> alternatives = new ArrayList<>();
        SimLoop.Chooser chooser = new SimLoop.Chooser() {
            @Override
            public int choose(int n) {
                int i = choices.size();
                int c = i < prefix.size() ? Math.min(prefix.get(i), n - 1) : 0;
                choices.add(c);
                alternatives.add(n);
                return c;
            }

            @Override
            public boolean competes(String name) {
                return Explorer.competes(name);
            }
        };
        Path dir = work.resolve("schedule");
        sim.chooser(chooser);
        RunOutcome run;
        try {
            run = conductor.run(s, s.seed(), dir, s.name() + "@" + s.seed(), plan);
        } finally {
            sim.chooser(null);
        }
        List<TraceLine> traces = RunFiles.traces(dir);
        RunFiles.deleteTree(dir);
        TraceTruth.Comparison truth = run.report() == null || !run.incomplete().isEmpty()
                ? null
                : TraceTruth.compare(
                        traces, s.platform().coherence(), run.report().hazards());
        List<String> keys = TraceTruth.keys(
                        TraceTruth.assess(traces, s.platform().coherence()).hazards())
                .stream()
                .sorted()
                .toList();
        return new Played(run, traces, truth, keys, choices, alternatives, digest(traces));
    }

    /** The history without wall times, as a SHA-256 of its sorted lines. */
    private static String digest(List<TraceLine> traces) {
        List<String> lines = new ArrayList<>();
        for (TraceLine l : traces) {
            try {
                lines.add(Documents.JSON.writeValueAsString(l).replaceAll("\"wall\":\\d+", ""));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        lines.sort(Comparator.naturalOrder());
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            lines.forEach(l -> sha.update(l.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
