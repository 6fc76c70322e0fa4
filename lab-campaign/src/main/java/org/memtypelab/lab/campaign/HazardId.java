package org.memtypelab.lab.campaign;

import java.util.List;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Who;

/**
 * What makes two runs' hazards "the same hazard" when a faulty run is compared with its oracle: the buffer, the two
 * parties (unordered) and the kind, not the step at which it was seen or its witness.
 */
public record HazardId(String buffer, List<String> between, String kind) implements Comparable<HazardId> {

    public HazardId {
        between = between.stream().sorted().toList();
    }

    static HazardId of(Hazard h) {
        return new HazardId(
                h.buffer(),
                h.between().stream().map(Who::label).toList(),
                h.kind().label());
    }

    @Override
    public int compareTo(HazardId o) {
        return toString().compareTo(o.toString());
    }

    /** {@code b0 guest/renderer memtype-alias}. */
    @Override
    public String toString() {
        return buffer + " " + String.join("/", between) + " " + kind;
    }
}
