package org.memtypelab.lab.campaign;

import java.util.Map;
import org.memtypelab.lab.scenario.Scenario;

/** One cell of a campaign matrix: the base scenario with one value per matrix key. */
public sealed interface Cell permits Cell.Playable, Cell.Skipped {

    /** Position in the matrix, from 1 (the last matrix key varies fastest). */
    int index();

    /** Directory name under {@code runs/}: the index and the values, e.g. {@code 03-6.10-false}. */
    String id();

    /** Key path to value, in matrix order, as JSON-ready values. */
    Map<String, Object> values();

    /** A cell whose scenario loaded: it is run. {@code yaml} is its scenario file, written next to its runs. */
    record Playable(int index, String id, Map<String, Object> values, Scenario scenario, String yaml) implements Cell {}

    /**
     * A combination of values the scenario loader rejects (a placement the driver does not offer, the quirk turned
     * off on a kernel without it): not run, and listed with the loader's reason.
     */
    record Skipped(int index, String id, Map<String, Object> values, String reason) implements Cell {}
}
