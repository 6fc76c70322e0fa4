package org.memtypelab.lab.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.migration.MigrationOutcome;

/**
 * What a scenario expects of its run, checked afterwards (SCENARIOS.md, expect).
 *
 * @param migration one of the result document's outcomes; never {@link MigrationOutcome.Status#NOT_ATTEMPTED}
 * @param errno step reference in canonical form ({@code set-memory-region#1}) to {@code "0"} or an errno name
 */
public record Expect(
        Optional<Verdict> verdict,
        List<ExpectedHazard> hazards,
        Optional<MigrationOutcome.Status> migration,
        Map<String, String> errno) {

    /** No expectations: the run passes whatever happens (exit code 0). */
    public static final Expect NONE = new Expect(Optional.empty(), List.of(), Optional.empty(), Map.of());

    public Expect {
        Objects.requireNonNull(verdict, "verdict");
        hazards = List.copyOf(hazards);
        Objects.requireNonNull(migration, "migration");
        if (migration.filter(m -> m == MigrationOutcome.Status.NOT_ATTEMPTED).isPresent()) {
            throw new IllegalArgumentException("expected migration outcome must be completed, blocked or failed");
        }
        errno = Collections.unmodifiableMap(new LinkedHashMap<>(errno));
    }

    /** Whether nothing is expected. */
    public boolean isNone() {
        return verdict.isEmpty() && hazards.isEmpty() && migration.isEmpty() && errno.isEmpty();
    }
}
