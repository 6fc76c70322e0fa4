package org.memtypelab.core.gpu;

/** Whether the GPU's DMA to a buffer snoops the CPU caches (DOMAIN 9: the D mapping). */
public enum GpuSnoop {
    /** Coherent DMA: CPU-cached dirty lines are seen by the GPU. */
    SNOOP,
    /** Non-coherent DMA: dirty lines left in a CPU cache are invisible to the GPU (DOMAIN 8.10a). */
    NO_SNOOP,
    /** The buffer lives in device memory (VRAM); CPU access goes over the BAR, the GPU does not go through RAM. */
    DEVICE_LOCAL
}
