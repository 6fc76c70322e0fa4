package org.memtypelab.core.gpu;

import java.util.Optional;
import org.memtypelab.core.memtype.MemType;

/**
 * The memory-type facts of one exported buffer (DOMAIN 6.2, 6.3; SCENARIOS.md placements).
 *
 * @param dmabufMmap the exporter's mmap type (rule 34), empty when the exporter cannot mmap (NVIDIA RM, rule 35)
 * @param rendererMap the type of the GPU process's own CPU mapping ({@code vkMapMemory})
 * @param guestRam a udmabuf of guest RAM (a 2D blob, rule 32), not GPU memory; its types alone cannot tell, since
 *     amdgpu gtt-cached and i915 shmem-llc buffers have the same ones
 */
public record BufferProfile(
        Backing backing, Optional<MemType> dmabufMmap, MemType rendererMap, GpuSnoop gpuSnoop, boolean guestRam) {

    /** A GPU buffer (not guest RAM) with these properties. */
    public BufferProfile(Backing backing, Optional<MemType> dmabufMmap, MemType rendererMap, GpuSnoop gpuSnoop) {
        this(backing, dmabufMmap, rendererMap, gpuSnoop, false);
    }

    /** The guest's type when it follows map_info: CACHED if the renderer maps WB, else WC (rules 30, 31). */
    public MemType guestTypeFromMapInfo() {
        return rendererMap == MemType.WB ? MemType.WB : MemType.WC;
    }
}
