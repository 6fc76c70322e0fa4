package org.memtypelab.lab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.memtypelab.lab.scenario.YamlTree.Loc;

/**
 * A scenario or campaign file read as text: at most {@link #MAX_BYTES} bytes of UTF-8. A file that is larger, not
 * UTF-8 or unreadable is a {@link Problem}: at the first byte that is not UTF-8, else at 1:1.
 */
public final class YamlFile {

    /** The largest file read (256 KiB): the largest bundled scenario is about 3 KB. */
    public static final int MAX_BYTES = 256 * 1024;

    private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|[\\r\\n\\x{85}\\x{2028}\\x{2029}]");

    private YamlFile() {}

    /** The file's text; throws {@link Problem} when it is too large, not UTF-8, or cannot be read. */
    public static String read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new Problem(new Loc(1, 1), "cannot read the file: " + reason(e));
        }
        if (bytes.length > MAX_BYTES) {
            throw new Problem(
                    new Loc(1, 1),
                    "the file is larger than " + MAX_BYTES / 1024 + " KiB; allowed: at most " + MAX_BYTES
                            + " bytes (a scenario or campaign spec is a few KB)");
        }
        return decode(bytes);
    }

    /** {@code bytes} as UTF-8; throws {@link Problem} at the line and column of the first byte that is not. */
    static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            String before = new String(bytes, 0, in.position(), StandardCharsets.UTF_8);
            int bad = bytes[in.position()] & 0xff;
            throw new Problem(
                    locationAfter(before),
                    String.format(
                            "the file is not UTF-8 text: byte 0x%02x (byte offset %d) does not belong to a UTF-8"
                                    + " character%s; allowed: UTF-8 only (save the file as UTF-8)",
                            bad, in.position(), utf16Hint(bytes)));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /**
     * The 1-based line and column just after {@code text}, counted as the YAML parser counts them: a line ends at
     * CR LF, CR, LF, NEL, LS or PS; a column counts characters.
     */
    static Loc locationAfter(String text) {
        String[] lines = LINE_BREAK.split(text, -1);
        String last = lines[lines.length - 1];
        return new Loc(lines.length, last.codePointCount(0, last.length()) + 1);
    }

    private static String utf16Hint(byte[] bytes) {
        boolean bom = bytes.length >= 2
                && ((bytes[0] == (byte) 0xff && bytes[1] == (byte) 0xfe)
                        || (bytes[0] == (byte) 0xfe && bytes[1] == (byte) 0xff));
        return bom ? " (the file starts like UTF-16)" : "";
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? "input/output error" : e.getMessage();
    }
}
