package org.memtypelab.core.kvm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A mainline kernel version, optionally with design patches applied: {@code 6.10}, {@code 5.6+kvm-mem-dma}. */
public record KvmVersion(int major, int minor, Set<DesignPatch> patches) implements Comparable<KvmVersion> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})(?:\\.\\d{1,4})?((?:\\+[a-z-]+)*)");

    public KvmVersion {
        patches = patches.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(patches));
    }

    public static KvmVersion of(int major, int minor, DesignPatch... patches) {
        return new KvmVersion(major, minor, patches.length == 0 ? Set.of() : EnumSet.of(patches[0], patches));
    }

    /** The outcome of parsing user input: a version or a message saying what is wrong and what is allowed. */
    public sealed interface Parsed permits Parsed.Ok, Parsed.Invalid {
        record Ok(KvmVersion version) implements Parsed {}

        record Invalid(String message) implements Parsed {}
    }

    /** Parses {@code MAJOR.MINOR[.PATCH][+design-patch...]}; the stable patch level is accepted and ignored. */
    public static Parsed parse(String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            return new Parsed.Invalid("'" + t + "' is not a kernel version; expected MAJOR.MINOR[.PATCH][+PATCH...]"
                    + " such as 6.10 or 5.6+kvm-mem-dma");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < 2 || major > 7) {
            return new Parsed.Invalid("kernel major version " + major + " is outside the modelled range 2..7");
        }
        Set<DesignPatch> patches = EnumSet.noneOf(DesignPatch.class);
        if (!m.group(3).isEmpty()) {
            for (String s : m.group(3).substring(1).split("\\+")) {
                var p = DesignPatch.parse(s);
                if (p.isEmpty()) {
                    return new Parsed.Invalid(
                            "unknown design patch '+" + s + "' in '" + t + "'; allowed: " + DesignPatch.allowed());
                }
                patches.add(p.get());
            }
        }
        if (patches.contains(DesignPatch.DMA_EXCLUDES_DIRTY_LOG)) {
            patches.add(DesignPatch.KVM_MEM_DMA); // option 6 is defined on top of the KVM_MEM_DMA flag
        }
        return new Parsed.Ok(new KvmVersion(major, minor, patches));
    }

    /** Parses or throws; for tests and bundled constants. */
    public static KvmVersion of(String text) {
        Parsed p = parse(text);
        if (p instanceof Parsed.Ok ok) {
            return ok.version();
        }
        throw new IllegalArgumentException(((Parsed.Invalid) p).message());
    }

    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    public boolean atMost(int maj, int min) {
        return !atLeast(maj, min + 1);
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
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(major + "." + minor);
        patches.stream().map(DesignPatch::suffix).forEach(parts::add);
        return parts.stream().collect(Collectors.joining("+"));
    }
}
