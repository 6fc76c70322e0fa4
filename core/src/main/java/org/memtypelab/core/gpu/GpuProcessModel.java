package org.memtypelab.core.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.coherency.Who;

/**
 * The vhost-user-gpu / virglrenderer process: allocates buffers, maps them with the driver's type, exports
 * dma-bufs, and runs GPU reads and writes (DOMAIN 6, rules 30-35). A restart loses everything (a new process).
 */
public final class GpuProcessModel {

    private record Buffer(long size, BufferProfile profile, boolean exported, boolean gpuUsed) {}

    private final Map<String, Buffer> buffers = new LinkedHashMap<>();

    /** Allocates a buffer and maps it for the renderer with the driver's type ({@code vkMapMemory}). */
    public Outcome allocate(String buffer, long size, BufferProfile profile) {
        if (buffers.containsKey(buffer)) {
            return Outcome.failed("buffer " + buffer + " is already allocated");
        }
        buffers.put(buffer, new Buffer(size, profile, false, false));
        Mapping renderer = new Mapping(buffer, Who.RENDERER, new MappingType.Cpu(profile.rendererMap()), true);
        return Outcome.ok(
                "allocated " + buffer + " (" + size + " bytes, "
                        + profile.backing().label() + "), renderer" + " maps it " + profile.rendererMap(),
                List.of(new Observation.MappingSet(renderer)));
    }

    /** Exports a buffer as a dma-buf for QEMU; empty when the buffer is unknown. */
    public java.util.Optional<DmaBuf> export(String buffer) {
        Buffer b = buffers.get(buffer);
        if (b == null) {
            return java.util.Optional.empty();
        }
        buffers.put(buffer, new Buffer(b.size, b.profile, true, b.gpuUsed));
        return java.util.Optional.of(new DmaBuf(buffer, b.size, b.profile));
    }

    /** A GPU read or write: its DMA snoops the CPU caches or not, per placement (SCENARIOS.md table). */
    public Outcome gpuAccess(String buffer, boolean write, long offset, int value) {
        return access(buffer, offset, b -> {
            MappingType.Dma dma = new MappingType.Dma(b.profile.gpuSnoop() == GpuSnoop.SNOOP);
            List<Observation> obs = new ArrayList<>();
            if (!b.gpuUsed) {
                buffers.put(buffer, new Buffer(b.size, b.profile, b.exported, true));
                obs.add(new Observation.MappingSet(new Mapping(buffer, Who.GPU, dma, true)));
            }
            obs.add(new Observation.Access(buffer, Who.GPU, dma, write, offset, value));
            return Outcome.ok(
                    "gpu " + (write ? "write" : "read") + " of " + buffer + "+" + offset + " (" + dma.label() + ")",
                    obs);
        });
    }

    /** A CPU access through the renderer's own mapping. */
    public Outcome rendererAccess(String buffer, boolean write, long offset, int value) {
        return access(buffer, offset, b -> {
            MappingType.Cpu type = new MappingType.Cpu(b.profile.rendererMap());
            return Outcome.ok(
                    "renderer " + (write ? "write" : "read") + " of " + buffer + "+" + offset + " (" + type.label()
                            + ")",
                    List.of(new Observation.Access(buffer, Who.RENDERER, type, write, offset, value)));
        });
    }

    /** An access to {@code buffer} at {@code offset}: failed unless the buffer exists and holds that offset. */
    private Outcome access(String buffer, long offset, Function<Buffer, Outcome> access) {
        Buffer b = buffers.get(buffer);
        if (b == null) {
            return Outcome.failed("the GPU process has no buffer " + buffer);
        }
        if (offset < 0 || offset >= b.size) {
            return Outcome.failed("offset " + offset + " is outside " + buffer + " (" + b.size + " bytes)");
        }
        return access.apply(b);
    }

    /** Blob-as-GPU-state migration (DOMAIN 9 option 7): the GPU process saves blob contents itself. */
    public Outcome saveExported() {
        List<String> saved = buffers.entrySet().stream()
                .filter(e -> e.getValue().exported)
                .map(Map.Entry::getKey)
                .toList();
        return Outcome.ok("GPU process saved " + saved.size() + " blob(s) as GPU state: " + saved);
    }

    /** The current mappings, for a monitor resync. */
    public List<Mapping> mappings() {
        List<Mapping> out = new ArrayList<>();
        buffers.forEach((name, b) -> {
            out.add(new Mapping(name, Who.RENDERER, new MappingType.Cpu(b.profile.rendererMap()), true));
            if (b.gpuUsed) {
                out.add(new Mapping(name, Who.GPU, new MappingType.Dma(b.profile.gpuSnoop() == GpuSnoop.SNOOP), true));
            }
        });
        return out;
    }

    public boolean has(String buffer) {
        return buffers.containsKey(buffer);
    }
}
