package org.memtypelab.core.coherency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coherency monitor's functional core: collects events from every node (deduplicated, in any order), finds
 * sequence gaps, and replays the history in causal order through the {@link HazardClassifier} and the
 * {@link HostCache} to produce verdicts, hazards and witnesses. Replaying the whole history means a late, duplicated
 * or reordered message changes nothing once it has arrived. The ledger holds events without a platform: they are
 * judged only on the run's {@link Coherence}, given to {@link #assess(Coherence)}, so a monitor that collected events
 * before it learnt the run's platform judges them right once it does.
 */
public final class CoherencyLedger {

    /** The monitor's conclusions. */
    public record Report(
            Verdict verdict,
            Map<String, Verdict> buffers,
            List<Mapping> mappings,
            List<Hazard> hazards,
            List<String> notes) {}

    /** Sequence numbers a node sent (up to {@code upTo}) that never arrived. */
    public record Gap(String node, long incarnation, List<Long> missing) {}

    private final Map<String, Event> events = new HashMap<>();
    private final Map<String, TreeSet<Long>> seen = new HashMap<>();
    /** An empty ledger; the platform comes with {@link #assess(Coherence)}. */
    public CoherencyLedger() {}

    /** Records an event; false if it was a duplicate. */
    public boolean add(Event e) {
        String id = e.node() + "/" + e.incarnation() + "/" + e.seq();
        if (events.putIfAbsent(id, e) != null) {
            return false;
        }
        seen.computeIfAbsent(e.node() + "/" + e.incarnation(), k -> new TreeSet<>())
                .add(e.seq());
        return true;
    }

    public int size() {
        return events.size();
    }

    /** The sequence numbers 1..{@code upTo} of that node incarnation that have not arrived. */
    public Gap gap(String node, long incarnation, long upTo) {
        TreeSet<Long> got = seen.getOrDefault(node + "/" + incarnation, new TreeSet<>());
        List<Long> missing = new ArrayList<>();
        for (long s = 1; s <= upTo; s++) {
            if (!got.contains(s)) {
                missing.add(s);
            }
        }
        return new Gap(node, incarnation, missing);
    }

    /** All events in causal order: by step, then Lamport clock, then node and sequence number. */
    public List<Event> history() {
        List<Event> all = new ArrayList<>(events.values());
        all.sort(Comparator.comparingInt(Event::step)
                .thenComparingLong(Event::lamport)
                .thenComparing(Event::node)
                .thenComparingLong(Event::incarnation)
                .thenComparingLong(Event::seq));
        return all;
    }

    /** Replays the history on {@code platform} (the run's) and classifies every buffer after every change. */
    public Report assess(Coherence platform) {
        Map<String, Map<Who, Mapping>> state = new TreeMap<>();
        Map<String, HostCache> caches = new HashMap<>();
        Map<String, Hazard> hazards = new LinkedHashMap<>();
        Map<String, Verdict> verdicts = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        int step = -1;
        for (Event e : history()) {
            if (e.step() != step) {
                caches.values().forEach(HostCache::fence);
                step = e.step();
            }
            Observation o = e.observation();
            String buffer = o.buffer();
            verdicts.putIfAbsent(buffer, Verdict.CONSISTENT);
            if (o instanceof Observation.MappingSet set) {
                state.computeIfAbsent(buffer, b -> new LinkedHashMap<>())
                        .put(set.mapping().who(), set.mapping());
                classify(platform, buffer, state, step, hazards, verdicts, notes);
            } else if (o instanceof Observation.MappingGone gone) {
                // the MappingSet may never have arrived (a dropped message): nothing to remove then
                Map<Who, Mapping> current = state.get(buffer);
                if (current != null) {
                    current.remove(gone.who());
                }
            } else if (o instanceof Observation.Reported r) {
                Hazard h = r.hazard();
                hazards.putIfAbsent(
                        h.key(), new Hazard(h.buffer(), h.between(), h.types(), h.kind(), step, h.witness()));
                verdicts.merge(buffer, Verdict.HAZARD, Verdict::worst);
            } else if (o instanceof Observation.Access a) {
                access(platform, a, step, caches, hazards, verdicts);
            }
        }
        List<Mapping> mappings = new ArrayList<>();
        state.values().forEach(m -> mappings.addAll(m.values()));
        Verdict worst = verdicts.values().stream().reduce(Verdict.CONSISTENT, Verdict::worst);
        return new Report(worst, Map.copyOf(verdicts), mappings, List.copyOf(hazards.values()), List.copyOf(notes));
    }

    private static void classify(
            Coherence platform,
            String buffer,
            Map<String, Map<Who, Mapping>> state,
            int step,
            Map<String, Hazard> hazards,
            Map<String, Verdict> verdicts,
            List<String> notes) {
        var a = HazardClassifier.classify(
                platform, List.copyOf(state.get(buffer).values()), step);
        verdicts.merge(buffer, a.verdict(), Verdict::worst);
        a.hazards().forEach(h -> hazards.putIfAbsent(h.key(), h));
        for (String n : a.notes()) {
            String note = buffer + ": " + n;
            if (!notes.contains(note)) {
                notes.add(note);
            }
        }
    }

    private static void access(
            Coherence platform,
            Observation.Access a,
            int step,
            Map<String, HostCache> caches,
            Map<String, Hazard> hazards,
            Map<String, Verdict> verdicts) {
        Accessor by = a.type().accessor(a.who()).orElse(null);
        if (by == null) {
            return; // an unverified type cannot be simulated; the classifier already reported it as unknown
        }
        HostCache cache = caches.computeIfAbsent(a.buffer(), b -> new HostCache(platform));
        if (a.write()) {
            cache.write(by, a.offset(), a.value());
            return;
        }
        Optional<HostCache.Witness> w = cache.read(by, a.offset());
        if (w.isEmpty()) {
            return;
        }
        HostCache.Witness witness = w.get();
        List<Who> pair =
                new ArrayList<>(List.of(witness.writer().who(), witness.reader().who()));
        pair.sort(Comparator.naturalOrder());
        boolean gpu = pair.contains(Who.GPU);
        boolean migration = pair.contains(Who.MIGRATION) && pair.contains(Who.GUEST);
        Hazard.Kind kind =
                gpu ? Hazard.Kind.NON_SNOOPED_DMA : migration ? Hazard.Kind.MIGRATION_STALE : Hazard.Kind.MEMTYPE_ALIAS;
        String observed = "observed at step " + step + ": " + witness.text();
        Hazard found = new Hazard(a.buffer(), pair, types(witness, pair), kind, step, observed);
        Hazard known = hazards.get(found.key());
        if (known == null) {
            hazards.put(found.key(), found);
        } else if (!known.witness().startsWith("observed")) {
            hazards.put(
                    found.key(),
                    new Hazard(known.buffer(), known.between(), known.types(), kind, known.step(), observed));
        }
        verdicts.merge(a.buffer(), Verdict.HAZARD, Verdict::worst);
    }

    private static List<String> types(HostCache.Witness w, List<Who> pair) {
        List<String> out = new ArrayList<>();
        for (Who who : pair) {
            Accessor x = w.writer().who() == who ? w.writer() : w.reader();
            out.add(
                    x instanceof Accessor.Cpu c
                            ? c.type().label()
                            : x.describe().replace("gpu ", "dma "));
        }
        return out;
    }
}
