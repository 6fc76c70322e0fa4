package org.memtypelab.core.gpu;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** A host GPU kernel driver that exports dma-bufs (DOMAIN 6.2; SCENARIOS.md placement table). */
public enum Driver {
    AMDGPU,
    I915,
    NVIDIA_PROPRIETARY,
    NVIDIA_OPEN,
    UDMABUF;

    /** The YAML spelling: {@code nvidia-proprietary}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The placements this driver offers. */
    public List<Placement> placements() {
        return Arrays.stream(Placement.values())
                .filter(p -> p.drivers().contains(this))
                .toList();
    }

    public static Optional<Driver> parse(String s) {
        return Arrays.stream(values())
                .filter(d -> d.label().equalsIgnoreCase(s == null ? "" : s.trim()))
                .findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Driver::label).collect(Collectors.joining(", "));
    }
}
