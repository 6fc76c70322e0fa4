package org.memtypelab.protocol.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;

/**
 * How core's model types look on the wire and in documents, as Jackson mix-ins: core itself knows nothing of Jackson,
 * so refactoring the model cannot silently change the wire format - a change here is a protocol change. Registered
 * with Pekko's CBOR serializer by {@code memtype-lab-serialization.conf} and with every JSON mapper through
 * {@link #json()}.
 */
public final class CoreTypes extends SimpleModule {

    /** The interfaces of the sealed hierarchies carry a type name, never a class name (PEKKO.md: no Id.CLASS). */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "as")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = MappingType.Cpu.class, name = "cpu"),
        @JsonSubTypes.Type(value = MappingType.Guest.class, name = "guest"),
        @JsonSubTypes.Type(value = MappingType.Unverified.class, name = "unverified"),
        @JsonSubTypes.Type(value = MappingType.Dma.class, name = "dma")
    })
    private interface MappingTypeNames {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "obs")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Observation.MappingSet.class, name = "mapping-set"),
        @JsonSubTypes.Type(value = Observation.MappingGone.class, name = "mapping-gone"),
        @JsonSubTypes.Type(value = Observation.Access.class, name = "access"),
        @JsonSubTypes.Type(value = Observation.Reported.class, name = "reported")
    })
    private interface ObservationNames {}

    /** Pekko instantiates the module by class name, so it needs a public no-argument constructor. */
    public CoreTypes() {
        super("memtype-lab-core-types");
        setMixInAnnotation(MappingType.class, MappingTypeNames.class);
        setMixInAnnotation(Observation.class, ObservationNames.class);
    }

    /** A JSON mapper that knows core's types (and {@code Optional}), for traces and documents. */
    public static ObjectMapper json() {
        return new ObjectMapper().registerModule(new Jdk8Module()).registerModule(new CoreTypes());
    }
}
