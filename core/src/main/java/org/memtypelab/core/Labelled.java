package org.memtypelab.core;

import java.util.Locale;

/**
 * An enum constant with the label users write in scenarios, on the command line and in documents: by default its
 * name in lower case with dashes ({@code NON_SNOOPED_DMA} is {@code non-snooped-dma}). Look one up with {@link
 * Labels#parse}.
 */
public interface Labelled {

    /** Implemented by every enum constant. */
    String name();

    /** The spelling users write. */
    default String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
