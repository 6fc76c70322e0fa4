package org.memtypelab.lab.scenario;

import org.memtypelab.core.Labelled;

/** The kind of a scenario step; the label is its YAML key (SCENARIOS.md, steps). */
public enum StepKind implements Labelled {
    ALLOCATE,
    EXPORT,
    MAP_BLOB,
    GUEST_MAP,
    GUEST_CR0_CD,
    GUEST_WRITE,
    GUEST_READ,
    GPU_READ,
    GPU_WRITE,
    RENDERER_WRITE,
    RENDERER_READ,
    SET_MEMORY_REGION,
    WALK_MEMSLOTS,
    MIGRATE,
    UNMAP_BLOB,
    NONCOHERENT_DMA
}
