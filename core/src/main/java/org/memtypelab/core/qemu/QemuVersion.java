package org.memtypelab.core.qemu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A QEMU release, {@code 9.2} or {@code 8.1.3}: it selects QEMU's migration blockers (DOMAIN rules 27, 32). */
public record QemuVersion(int major, int minor, int micro) implements Comparable<QemuVersion> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,2})\\.(\\d{1,2})(?:\\.(\\d{1,2}))?");

    /** Parses {@code MAJOR.MINOR[.MICRO]}; empty on a bad format. */
    public static java.util.Optional<QemuVersion> parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        int micro = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return java.util.Optional.of(
                new QemuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), micro));
    }

    public static QemuVersion of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not a QEMU version: " + text));
    }

    public boolean atLeast(int maj, int min, int mic) {
        return compareTo(new QemuVersion(maj, min, mic)) >= 0;
    }

    @Override
    public int compareTo(QemuVersion o) {
        if (major != o.major) {
            return Integer.compare(major, o.major);
        }
        return minor != o.minor ? Integer.compare(minor, o.minor) : Integer.compare(micro, o.micro);
    }

    @Override
    public String toString() {
        return major + "." + minor + (micro == 0 ? "" : "." + micro);
    }
}
