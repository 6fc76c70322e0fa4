package org.memtypelab.lab.scenario;

import java.util.Optional;

/** The outcome of loading a scenario: the scenario, or a {@link ScenarioError} saying where and what is wrong. */
public sealed interface LoadResult permits LoadResult.Loaded, ScenarioError {

    /** A scenario that parsed and validated. */
    record Loaded(Scenario scenario) implements LoadResult {}

    /** The scenario, or empty for an error. */
    default Optional<Scenario> loaded() {
        return this instanceof Loaded l ? Optional.of(l.scenario()) : Optional.empty();
    }
}
