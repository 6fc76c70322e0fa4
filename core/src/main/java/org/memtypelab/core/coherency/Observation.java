package org.memtypelab.core.coherency;

/** Something a node saw or did that the coherency monitor needs: a mapping appeared, changed, went, or was used. */
public sealed interface Observation
        permits Observation.MappingSet, Observation.MappingGone, Observation.Access, Observation.Reported {

    /** The buffer this is about. */
    String buffer();

    /** A mapping was created or its type changed (e.g. SPTEs rebuilt after a zap, DOMAIN rule 18). */
    record MappingSet(Mapping mapping) implements Observation {
        @Override
        public String buffer() {
            return mapping.buffer();
        }
    }

    /** A party's mapping of a buffer went away. */
    record MappingGone(String buffer, Who who) implements Observation {}

    /** One byte read or written through a mapping. */
    record Access(String buffer, Who who, MappingType type, boolean write, long offset, int value)
            implements Observation {}

    /** A hazard a node detected itself, e.g. an exporter that cannot mmap (rule 35). */
    record Reported(Hazard hazard) implements Observation {
        @Override
        public String buffer() {
            return hazard.buffer();
        }
    }
}
