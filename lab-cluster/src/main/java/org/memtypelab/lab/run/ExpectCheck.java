package org.memtypelab.lab.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.lab.scenario.Expect;
import org.memtypelab.lab.scenario.ExpectedHazard;

/** Checks a run's outcome against the scenario's {@code expect} block; each failure is one readable line. */
public final class ExpectCheck {

    private ExpectCheck() {}

    /** The failed expectations; empty when every one held. Expected hazards must be present (others may be too). */
    public static List<String> failures(Expect expect, Verdict verdict, List<Hazard> hazards, RunOutcome run) {
        List<String> out = new ArrayList<>();
        expect.verdict().ifPresent(v -> {
            if (v != verdict) {
                out.add("verdict: expected " + v.label() + ", got " + verdict.label());
            }
        });
        for (ExpectedHazard e : expect.hazards()) {
            boolean found = hazards.stream()
                    .anyMatch(h -> h.buffer().equals(e.buffer())
                            && new HashSet<>(h.between()).equals(e.between())
                            && e.kind().map(k -> k == h.kind()).orElse(true));
            if (!found) {
                out.add("hazard: expected " + e.buffer() + " between " + labels(e.between())
                        + e.kind().map(k -> " (" + k.label() + ")").orElse("") + ", not found");
            }
        }
        expect.migration().ifPresent(m -> {
            if (m != run.migration().status()) {
                out.add("migration: expected " + m.label() + ", got "
                        + run.migration().status().label());
            }
        });
        for (Map.Entry<String, String> e : expect.errno().entrySet()) {
            String got = errnoOf(e.getKey(), run.steps());
            if (!e.getValue().equals(got)) {
                out.add("errno " + e.getKey() + ": expected " + e.getValue() + ", got " + got);
            }
        }
        return out;
    }

    /** The errno of {@code kind#ordinal} among the steps, or "(no such step)". */
    static String errnoOf(String ref, List<StepRecord> steps) {
        String kind = ref.contains("#") ? ref.substring(0, ref.indexOf('#')) : ref;
        int ordinal = ref.contains("#") ? Integer.parseInt(ref.substring(ref.indexOf('#') + 1)) : 1;
        int seen = 0;
        for (StepRecord s : steps) {
            if (s.kind().equals(kind) && ++seen == ordinal) {
                return s.errno().isEmpty() ? (s.ok() ? "0" : "(failed: " + s.detail() + ")") : s.errno();
            }
        }
        return "(no such step)";
    }

    private static String labels(Set<Who> who) {
        return who.stream().sorted().map(Who::label).toList().toString();
    }
}
