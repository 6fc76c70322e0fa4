package org.memtypelab.lab.report;

/** How the reports print a document's fields: one the document may lack. */
final class DocumentFields {

    private DocumentFields() {}

    /** A field a document may lack: null when it does. */
    static String or(String s, String absent) {
        return s == null ? absent : s;
    }
}
