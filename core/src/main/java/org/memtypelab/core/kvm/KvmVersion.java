package org.memtypelab.core.kvm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel version as shipped - a release ({@code 6.11}), a release candidate ({@code 6.11-rc3}) or a stable patch
 * level ({@code 6.12.78}) - optionally with design patches applied ({@code 5.6+kvm-mem-dma}). Ordered as DOMAIN 2.2
 * says: 6.11-rcN &lt; 6.11 &lt; 6.11.y &lt; 6.12-rc1.
 *
 * @param patch the stable patch level, 0 for the release itself ({@code "6.12"} means 6.12.0)
 * @param rc the release candidate number, 0 for a release or stable kernel
 */
public record KvmVersion(int major, int minor, int patch, int rc, Set<DesignPatch> patches)
        implements Comparable<KvmVersion> {

    private static final Pattern FORMAT =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})(?:\\.(\\d{1,4})|-rc(\\d{1,2}))?((?:\\+[a-z0-9-]+)*)");

    /** The forms {@link #parse} accepts, for error messages. */
    public static final String ACCEPTED_FORMS = "MAJOR.MINOR (a release, 6.16), MAJOR.MINOR.PATCH (a stable kernel,"
            + " 6.12.78) or MAJOR.MINOR-rcN (a release candidate, 6.11-rc3), each optionally followed by"
            + " +design-option suffixes (5.6+kvm-mem-dma)";

    public KvmVersion {
        if (patch < 0 || rc < 0 || (patch > 0 && rc > 0)) {
            throw new IllegalArgumentException("a kernel is a release candidate or a stable patch level, not both");
        }
        patches = patches.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(patches));
    }

    /** A release {@code major.minor} (patch level 0) with design patches. */
    public KvmVersion(int major, int minor, Set<DesignPatch> patches) {
        this(major, minor, 0, 0, patches);
    }

    public static KvmVersion of(int major, int minor, DesignPatch... patches) {
        return new KvmVersion(major, minor, patches.length == 0 ? Set.of() : EnumSet.of(patches[0], patches));
    }

    /** The outcome of parsing user input: a version or a message saying what is wrong and what is allowed. */
    public sealed interface Parsed permits Parsed.Ok, Parsed.Invalid {
        record Ok(KvmVersion version) implements Parsed {}

        record Invalid(String message) implements Parsed {}
    }

    /** Parses {@code MAJOR.MINOR[.PATCH | -rcN][+design-option...]} (DOMAIN 2.2, version strings). */
    public static Parsed parse(String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            return new Parsed.Invalid("'" + t + "' is not a kernel version; accepted forms: " + ACCEPTED_FORMS);
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        int rc = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        if (major < 2 || major > 7) {
            return new Parsed.Invalid("kernel major version " + major + " is outside the modelled range 2..7");
        }
        if (m.group(4) != null && rc == 0) {
            return new Parsed.Invalid(
                    "'" + t + "': release candidates count from -rc1; accepted forms: " + ACCEPTED_FORMS);
        }
        Set<DesignPatch> patches = EnumSet.noneOf(DesignPatch.class);
        if (!m.group(5).isEmpty()) {
            for (String s : m.group(5).substring(1).split("\\+")) {
                var p = DesignPatch.parse(s);
                if (p.isEmpty()) {
                    return new Parsed.Invalid(
                            "unknown design option '+" + s + "' in '" + t + "'; allowed: " + DesignPatch.allowed());
                }
                patches.add(p.get());
            }
        }
        if (patches.contains(DesignPatch.DMA_EXCLUDES_DIRTY_LOG)) {
            patches.add(DesignPatch.KVM_MEM_DMA); // option 6 is defined on top of the KVM_MEM_DMA flag
        }
        String clash = DesignPatch.clash(patches);
        if (clash != null) {
            return new Parsed.Invalid("'" + t + "': " + clash);
        }
        return new Parsed.Ok(new KvmVersion(major, minor, patch, rc, patches));
    }

    /** Parses or throws; for tests and bundled constants. */
    public static KvmVersion of(String text) {
        Parsed p = parse(text);
        if (p instanceof Parsed.Ok ok) {
            return ok.version();
        }
        throw new IllegalArgumentException(((Parsed.Invalid) p).message());
    }

    /**
     * Whether this kernel is {@code maj.min} or later, counting the release candidates of {@code maj.min} as that
     * version (a merge-window change is in -rc1).
     */
    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    public boolean atMost(int maj, int min) {
        return !atLeast(maj, min + 1);
    }

    /** Whether this is {@code maj.min} itself, any release candidate, the release or a stable patch level of it. */
    public boolean series(int maj, int min) {
        return major == maj && minor == min;
    }

    /** Whether this is the stable series {@code maj.min} at patch level {@code level} or later (not an rc). */
    public boolean stableAtLeast(int maj, int min, int level) {
        return series(maj, min) && rc == 0 && patch >= level;
    }

    public boolean releaseCandidate() {
        return rc > 0;
    }

    public boolean has(DesignPatch p) {
        return patches.contains(p);
    }

    /** The era of DOMAIN 2.2's table this version falls in. */
    public KvmEra era() {
        return KvmEra.of(this);
    }

    @Override
    public int compareTo(KvmVersion o) {
        if (major != o.major) {
            return Integer.compare(major, o.major);
        }
        if (minor != o.minor) {
            return Integer.compare(minor, o.minor);
        }
        // a release candidate comes before its release; rc 0 (release or stable) sorts after every rc
        int rcOrder = Integer.compare(rc == 0 ? Integer.MAX_VALUE : rc, o.rc == 0 ? Integer.MAX_VALUE : o.rc);
        return rcOrder != 0 ? rcOrder : Integer.compare(patch, o.patch);
    }

    /** The version without design patches, as the kernel names itself: {@code 6.12.78}, {@code 6.11-rc3}. */
    public String release() {
        return major + "." + minor + (patch > 0 ? "." + patch : "") + (rc > 0 ? "-rc" + rc : "");
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(release());
        patches.stream().map(DesignPatch::suffix).forEach(parts::add);
        return String.join("+", parts);
    }
}
