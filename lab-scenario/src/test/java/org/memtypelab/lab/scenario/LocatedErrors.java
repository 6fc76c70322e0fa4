package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.fail;

import java.util.regex.Pattern;

/** What the fuzzers require of every refusal: located inside the text, in plain words (shared by lab-campaign). */
public final class LocatedErrors {

    private static final Pattern JAVA_WORDS = Pattern.compile("java\\.|Exception|com\\.fasterxml|org\\.yaml");
    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|[\\r\\n\\x{85}\\x{2028}\\x{2029}]");

    private LocatedErrors() {}

    /** {@code e} is at a line and column of {@code text} (or just past its end) and names no Java class. */
    public static void assertWithin(String text, ScenarioError e) {
        String[] lines = LINE_BREAK.split(text, -1);
        if (e.line() < 1 || e.line() > lines.length) {
            fail("line out of the text (" + lines.length + " lines): " + e + "\n--- text:\n" + clip(text));
        }
        String line = lines[e.line() - 1];
        if (e.column() < 1 || e.column() > line.codePointCount(0, line.length()) + 1) {
            fail("column out of line " + e.line() + ": " + e + "\n--- text:\n" + clip(text));
        }
        if (e.message().isBlank() || JAVA_WORDS.matcher(e.message()).find()) {
            fail("message not in plain words: " + e + "\n--- text:\n" + clip(text));
        }
    }

    public static String clip(String text) {
        return text.length() > 2_000 ? text.substring(0, 2_000) + "..." : text;
    }
}
