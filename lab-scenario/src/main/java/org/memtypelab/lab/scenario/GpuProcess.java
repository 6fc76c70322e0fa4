package org.memtypelab.lab.scenario;

import java.util.Objects;
import org.memtypelab.core.gpu.Driver;

/** The GPU process of a scenario: which host kernel driver exports its buffers (SCENARIOS.md, gpu-process). */
public record GpuProcess(Driver driver) {

    public GpuProcess {
        Objects.requireNonNull(driver, "driver");
    }

    /** amdgpu, the default. */
    public static GpuProcess defaults() {
        return new GpuProcess(Driver.AMDGPU);
    }
}
