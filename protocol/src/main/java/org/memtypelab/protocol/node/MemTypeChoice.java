package org.memtypelab.protocol.node;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Optional;
import org.memtypelab.core.memtype.MemType;

/**
 * A memory type a command may give or leave to the receiver's rule: the guest's PAT for a mapping (absent: it follows
 * map_info, DOMAIN rules 30-31), a per-slot type (absent: none, DOMAIN 9 option 4). An explicit variant, so the wire
 * carries neither null nor {@code Optional}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "choice")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MemTypeChoice.ByRule.class, name = "by-rule"),
    @JsonSubTypes.Type(value = MemTypeChoice.Given.class, name = "given")
})
public sealed interface MemTypeChoice {

    /** No type given: the receiver's rule decides. */
    record ByRule() implements MemTypeChoice {}

    /** This type. */
    record Given(MemType type) implements MemTypeChoice {}

    static MemTypeChoice of(Optional<MemType> type) {
        return type.<MemTypeChoice>map(Given::new).orElseGet(ByRule::new);
    }

    /** The model's view: the type if given. */
    default Optional<MemType> given() {
        return this instanceof Given g ? Optional.of(g.type()) : Optional.empty();
    }
}
