package org.memtypelab.lab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.memtypelab.protocol.wire.CoreTypes;

/** Pretty JSON for documents printed on stdout. */
final class ResultDocumentJson {

    private static final ObjectMapper JSON = CoreTypes.json().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultDocumentJson() {}

    static String pretty(Object doc) throws JsonProcessingException {
        return JSON.writeValueAsString(doc);
    }
}
