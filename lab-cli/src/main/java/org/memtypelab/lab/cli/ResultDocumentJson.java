package org.memtypelab.lab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Pretty JSON for documents printed on stdout. */
final class ResultDocumentJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultDocumentJson() {}

    static String pretty(Object doc) throws JsonProcessingException {
        return JSON.writeValueAsString(doc);
    }
}
