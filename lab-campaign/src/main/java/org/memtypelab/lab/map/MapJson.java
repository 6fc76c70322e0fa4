package org.memtypelab.lab.map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import org.memtypelab.documents.Documents;

/** {@code design-space.json}: every combination with its full because, the axes, and the per-design tallies. */
public final class MapJson {

    /** The document. */
    record Document(
            long combinations,
            long played,
            List<Axes.Era> eras,
            List<Axes.Cpu> cpus,
            List<Axes.Placement> placements,
            List<DesignSpaceMap.Tally> designs,
            @JsonProperty("entries") List<MapEntry> entries) {}

    private MapJson() {}

    public static String render(DesignSpaceMap map) {
        Document d = new Document(
                map.entries().size(),
                map.played(),
                Axes.ERAS,
                Axes.CPUS,
                Axes.PLACEMENTS,
                map.tallies(),
                map.entries());
        try {
            return Documents.PRETTY.writeValueAsString(d) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the map does not serialise: " + e.getMessage(), e);
        }
    }
}
