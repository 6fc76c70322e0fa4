package org.memtypelab.lab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.memtypelab.documents.Documents;

/** How the reports print a document's fields: one the document may lack, and parts shown as one line of JSON. */
final class DocumentFields {

    private DocumentFields() {}

    /** A field a document may lack: null when it does. */
    static String or(String s, String absent) {
        return s == null ? absent : s;
    }

    /** A part of a document as one line of JSON, as result.json or campaign.json has it. */
    static String json(Object part) {
        try {
            return Documents.JSON.writeValueAsString(part);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a document's part does not write as JSON: " + part, e);
        }
    }
}
