package org.memtypelab.lab.map;

import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.scenario.Scenario;

/** Plays one scenario through the run pipeline and returns its result.json; the map does not care on what cluster. */
@FunctionalInterface
public interface Player {

    RunResult play(Scenario scenario);
}
