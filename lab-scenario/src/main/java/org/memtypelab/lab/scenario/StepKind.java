package org.memtypelab.lab.scenario;

/** The kind of a scenario step; the label is its YAML key (SCENARIOS.md, steps). */
public enum StepKind {
    ALLOCATE("allocate"),
    EXPORT("export"),
    MAP_BLOB("map-blob"),
    GUEST_MAP("guest-map"),
    GUEST_WRITE("guest-write"),
    GUEST_READ("guest-read"),
    GPU_READ("gpu-read"),
    GPU_WRITE("gpu-write"),
    RENDERER_WRITE("renderer-write"),
    RENDERER_READ("renderer-read"),
    SET_MEMORY_REGION("set-memory-region"),
    WALK_MEMSLOTS("walk-memslots"),
    MIGRATE("migrate"),
    UNMAP_BLOB("unmap-blob"),
    NONCOHERENT_DMA("noncoherent-dma");

    private final String label;

    StepKind(String label) {
        this.label = label;
    }

    /** The scenario YAML spelling. */
    public String label() {
        return label;
    }
}
