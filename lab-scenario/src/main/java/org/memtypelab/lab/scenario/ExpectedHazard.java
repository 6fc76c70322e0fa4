package org.memtypelab.lab.scenario;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Who;

/** A hazard the scenario expects on one buffer between two mappings, optionally of a given kind. */
public record ExpectedHazard(String buffer, Set<Who> between, Optional<Hazard.Kind> kind) {

    public ExpectedHazard {
        Objects.requireNonNull(buffer, "buffer");
        between = Set.copyOf(between);
        Objects.requireNonNull(kind, "kind");
    }
}
