package org.memtypelab.core.gpu;

import java.util.Optional;
import org.memtypelab.core.memtype.MemType;

/**
 * The memory-type facts of one exported buffer (DOMAIN 6.2, 6.3; SCENARIOS.md placements).
 *
 * @param dmabufMmap the exporter's mmap type (rule 34), empty when the exporter cannot mmap (NVIDIA RM, rule 35)
 * @param rendererMap the type of the GPU process's own CPU mapping ({@code vkMapMemory})
 */
public record BufferProfile(Backing backing, Optional<MemType> dmabufMmap, MemType rendererMap, GpuSnoop gpuSnoop) {

    /** The guest's type when it follows map_info: CACHED if the renderer maps WB, else WC (rules 30, 31). */
    public MemType guestTypeFromMapInfo() {
        return rendererMap == MemType.WB ? MemType.WB : MemType.WC;
    }
}
