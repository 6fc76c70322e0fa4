package org.memtypelab.core.coherency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Classifies the mappings of one buffer as consistent, benign-alias, unknown or hazard (SCENARIOS.md verdicts;
 * DOMAIN rule 10a, 9 "Diverge"), each hazard with a witness from the {@link HostCache} model.
 */
public final class HazardClassifier {

    /** A buffer's verdict, its hazards, and what made it benign or unknown. */
    public record Assessment(Verdict verdict, List<Hazard> hazards, List<String> notes) {}

    private HazardClassifier() {}

    /**
     * Classifies {@code mappings} (all of one buffer). Only dereferenced mappings take part; QEMU's never-touched
     * mapping under {@code blob-access: kvm-only} aliases nothing (DOMAIN 9 option 8).
     *
     * @param step the step number to stamp on new hazards
     */
    public static Assessment classify(Coherence coherence, List<Mapping> mappings, int step) {
        List<Mapping> live = mappings.stream()
                .filter(Mapping::dereferenced)
                .sorted(Comparator.comparing(Mapping::who))
                .toList();
        Verdict verdict = Verdict.CONSISTENT;
        List<Hazard> hazards = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            for (int j = i + 1; j < live.size(); j++) {
                Mapping a = live.get(i);
                Mapping b = live.get(j);
                Verdict v = pair(coherence, a, b, step, hazards, notes);
                verdict = verdict.worst(v);
            }
        }
        return new Assessment(verdict, List.copyOf(hazards), List.copyOf(notes));
    }

    private static Verdict pair(
            Coherence coherence, Mapping a, Mapping b, int step, List<Hazard> hazards, List<String> notes) {
        String name = a.who().label() + "/" + b.who().label();
        if (a.type() instanceof MappingType.Dma || b.type() instanceof MappingType.Dma) {
            return dma(coherence, a, b, step, hazards, notes);
        }
        if (a.type() instanceof MappingType.Unverified u) {
            notes.add(name + ": " + a.who().label() + "'s type is unverified (" + u.why() + ")");
            return Verdict.UNKNOWN;
        }
        if (b.type() instanceof MappingType.Unverified u) {
            notes.add(name + ": " + b.who().label() + "'s type is unverified (" + u.why() + ")");
            return Verdict.UNKNOWN;
        }
        var ta = (Accessor.Cpu) a.accessor().orElseThrow();
        var tb = (Accessor.Cpu) b.accessor().orElseThrow();
        switch (coherence.between(ta, tb)) {
            case SAME:
                return Verdict.CONSISTENT;
            case UNKNOWN:
                notes.add(name + ": " + coherence.why(ta, tb));
                return Verdict.UNKNOWN;
            case BENIGN:
                notes.add(name + ": " + coherence.why(ta, tb));
                return Verdict.BENIGN_ALIAS;
            default:
                boolean migration = a.who() == Who.MIGRATION || b.who() == Who.MIGRATION;
                boolean withGuest = a.who() == Who.GUEST || b.who() == Who.GUEST;
                Hazard.Kind kind = migration && withGuest ? Hazard.Kind.MIGRATION_STALE : Hazard.Kind.MEMTYPE_ALIAS;
                hazards.add(hazard(coherence, a, b, kind, step));
                return Verdict.HAZARD;
        }
    }

    private static Verdict dma(
            Coherence coherence, Mapping a, Mapping b, int step, List<Hazard> hazards, List<String> notes) {
        Mapping gpu = a.type() instanceof MappingType.Dma ? a : b;
        Mapping cpu = gpu == a ? b : a;
        if (cpu.type() instanceof MappingType.Dma) {
            return Verdict.CONSISTENT;
        }
        boolean snoop = ((MappingType.Dma) gpu.type()).snoop();
        if (cpu.type() instanceof MappingType.Unverified u) {
            if (snoop) {
                return Verdict.CONSISTENT; // a snooping GPU is coherent with any CPU type
            }
            notes.add(
                    "gpu/" + cpu.who().label() + ": " + cpu.who().label() + "'s type is unverified (" + u.why() + ")");
            return Verdict.UNKNOWN;
        }
        var t = cpu.type().cpuType().orElseThrow();
        if (snoop || !t.isCacheable()) {
            return Verdict.CONSISTENT;
        }
        // DOMAIN rule 10a: always stale-possible for a cached CPU mapping vs non-snooping GPU DMA.
        hazards.add(hazard(coherence, a, b, Hazard.Kind.NON_SNOOPED_DMA, step));
        return Verdict.HAZARD;
    }

    private static Hazard hazard(Coherence coherence, Mapping a, Mapping b, Hazard.Kind kind, int step) {
        Accessor x = a.accessor().orElseThrow();
        Accessor y = b.accessor().orElseThrow();
        String witness =
                HostCache.probe(coherence, x, y).map(HostCache.Witness::text).orElse("no probe exposed stale data");
        return new Hazard(
                a.buffer(),
                List.of(a.who(), b.who()),
                List.of(a.type().label(), b.type().label()),
                kind,
                step,
                witness);
    }

    /** The worst verdict of several assessments. */
    public static Verdict worst(List<Assessment> all) {
        return all.stream().map(Assessment::verdict).reduce(Verdict.CONSISTENT, Verdict::worst);
    }

    /** Convenience for a single pair. */
    public static Optional<Hazard> hazardBetween(Coherence coherence, Mapping a, Mapping b) {
        return classify(coherence, List.of(a, b), 0).hazards().stream().findFirst();
    }
}
