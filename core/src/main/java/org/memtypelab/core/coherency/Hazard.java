package org.memtypelab.core.coherency;

import java.util.List;
import org.memtypelab.core.Labelled;

/**
 * A divergence between two mappings of one buffer that lets a reader see stale data (SCENARIOS.md hazard kinds).
 *
 * @param between the two parties, in {@link Who} order (the pair is unordered)
 * @param types their types as labels, in the same order
 * @param step the scenario step at which the hazard was first seen (0 when not tied to a step)
 */
public record Hazard(String buffer, List<Who> between, List<String> types, Kind kind, int step, String witness) {

    /** SCENARIOS.md hazard kinds, plus {@code unverified-memtype} for cells DOMAIN.md does not verify. */
    public enum Kind implements Labelled {
        MEMTYPE_ALIAS,
        NON_SNOOPED_DMA,
        MIGRATION_STALE,
        UNMAPPABLE,
        /** KVM cannot map the buffer's pages into the guest: the guest's access makes KVM_RUN fail (rule 28a). */
        GUEST_FAULT,
        UNVERIFIED_MEMTYPE
    }

    /** The identity of a hazard, ignoring when and how it was found. */
    public String key() {
        return buffer + ":" + between + ":" + kind.label();
    }
}
