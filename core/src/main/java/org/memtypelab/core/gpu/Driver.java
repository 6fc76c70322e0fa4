package org.memtypelab.core.gpu;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** A host GPU kernel driver that exports dma-bufs (DOMAIN 6.2; SCENARIOS.md placement table). */
public enum Driver implements Labelled {
    AMDGPU,
    I915,
    NVIDIA_PROPRIETARY,
    NVIDIA_OPEN,
    UDMABUF;

    /** The placements this driver offers. */
    public List<Placement> placements() {
        return Arrays.stream(Placement.values())
                .filter(p -> p.drivers().contains(this))
                .toList();
    }

    public static Optional<Driver> parse(String s) {
        return Labels.parse(Driver.class, s);
    }

    public static String allowed() {
        return Labels.allowed(Driver.class);
    }
}
