package org.memtypelab.protocol.node;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Optional;

/**
 * The userspace address of a raw {@code KVM_SET_USER_MEMORY_REGION}: given, or left to the lab (the slot's own when it
 * exists, a fresh one otherwise). An explicit variant, so the wire carries neither null nor {@code Optional}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "hva")
@JsonSubTypes({
    @JsonSubTypes.Type(value = HvaChoice.Keep.class, name = "keep"),
    @JsonSubTypes.Type(value = HvaChoice.At.class, name = "at")
})
public sealed interface HvaChoice {

    /** The slot's hva when it exists, a fresh one otherwise. */
    record Keep() implements HvaChoice {}

    /** This hva. */
    record At(long hva) implements HvaChoice {}

    static HvaChoice of(Optional<Long> hva) {
        return hva.<HvaChoice>map(At::new).orElseGet(Keep::new);
    }

    /** The model's view: the address if given. */
    default Optional<Long> given() {
        return this instanceof At a ? Optional.of(a.hva()) : Optional.empty();
    }
}
