package org.memtypelab.core.gpu;

import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;
import org.memtypelab.core.memtype.MemType;

/**
 * A buffer placement of a driver and the CPU/GPU properties it implies (SCENARIOS.md table; DOMAIN 6.2, rule 35).
 * amdgpu GTT buffers are TTM pages behind a VM_PFNMAP VMA (DOMAIN 2.1, rule 28a).
 */
public enum Placement implements Labelled {
    GTT_USWC(List.of(Driver.AMDGPU), profile(Backing.PFNMAP_RAM, WC, WC, GpuSnoop.NO_SNOOP)),
    GTT_CACHED(List.of(Driver.AMDGPU), profile(Backing.PFNMAP_RAM, WB, WB, GpuSnoop.SNOOP)),
    VRAM(List.of(Driver.AMDGPU), profile(Backing.MMIO, WC, WC, GpuSnoop.DEVICE_LOCAL)),
    SHMEM_LLC(List.of(Driver.I915), profile(Backing.RAM, WB, WB, GpuSnoop.SNOOP)),
    SHMEM_WC(List.of(Driver.I915), profile(Backing.RAM, WB, WC, GpuSnoop.NO_SNOOP)),
    LMEM(List.of(Driver.I915), profile(Backing.MMIO, WC, WC, GpuSnoop.DEVICE_LOCAL)),
    GUEST_RAM(List.of(Driver.UDMABUF), new BufferProfile(Backing.RAM, Optional.of(WB), WB, GpuSnoop.SNOOP, true)),
    VIDMEM(
            List.of(Driver.NVIDIA_PROPRIETARY, Driver.NVIDIA_OPEN),
            new BufferProfile(Backing.MMIO, Optional.empty(), WC, GpuSnoop.DEVICE_LOCAL));

    private final List<Driver> drivers;
    private final BufferProfile profile;

    Placement(List<Driver> drivers, BufferProfile profile) {
        this.drivers = drivers;
        this.profile = profile;
    }

    private static BufferProfile profile(Backing b, MemType dmabufMmap, MemType renderer, GpuSnoop snoop) {
        return new BufferProfile(b, Optional.of(dmabufMmap), renderer, snoop);
    }

    public List<Driver> drivers() {
        return drivers;
    }

    public BufferProfile profile() {
        return profile;
    }

    public static Optional<Placement> parse(String s) {
        return Labels.parse(Placement.class, s);
    }

    /** The placements of {@code driver}, comma-separated, for error messages. */
    public static String allowedFor(Driver driver) {
        return driver.placements().stream().map(Placement::label).collect(Collectors.joining(", "));
    }
}
