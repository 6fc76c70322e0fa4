package org.memtypelab.documents;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import org.memtypelab.protocol.wire.CoreTypes;

/** The one JSON mapping of every document a run leaves: trace lines, history, result.json, campaign.json. */
public final class Documents {

    /**
     * Reads and writes documents (one line per object); a field a newer version added is skipped on reading, so an
     * older lab still reads a newer run directory.
     */
    public static final ObjectMapper JSON = CoreTypes.json().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Writes documents indented, for people (result.json, campaign.json). */
    public static final ObjectWriter PRETTY = JSON.writerWithDefaultPrettyPrinter();

    private Documents() {}
}
