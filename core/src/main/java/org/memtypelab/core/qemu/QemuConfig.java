package org.memtypelab.core.qemu;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.memtypelab.core.Labelled;

/** QEMU's virtio-gpu setup in a scenario (SCENARIOS.md {@code qemu:} section). */
public record QemuConfig(
        QemuVersion version, boolean virgl, boolean blob, GpuMode gpu, ImportMode importMode, BlobAccess blobAccess) {

    /** The SCENARIOS.md defaults: 9.2, virgl, blob, in-process, dmabuf-mmap, kvm-only. */
    public static QemuConfig defaults() {
        return new QemuConfig(
                QemuVersion.of("9.2"), true, true, GpuMode.IN_PROCESS, ImportMode.DMABUF_MMAP, BlobAccess.KVM_ONLY);
    }

    /** Where the GPU driver runs: inside QEMU, or in a vhost-user-gpu process (DOMAIN 9 option 9). */
    public enum GpuMode implements Labelled {
        IN_PROCESS,
        VHOST_USER_GPU
    }

    /** How QEMU maps an imported dma-buf under vhost-user-gpu: the exporter's mmap, or its own vkMapMemory. */
    public enum ImportMode implements Labelled {
        DMABUF_MMAP,
        VK_MAP_MEMORY
    }

    /** Whether QEMU itself dereferences the blob's hva (DOMAIN 9 option 8, Kevin 25 Feb 2020). */
    public enum BlobAccess implements Labelled {
        KVM_ONLY,
        QEMU_READS
    }

    /** Parses an enum constant by its YAML label. */
    public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(type.getEnumConstants())
                .filter(e -> e.name().equals(t))
                .findFirst();
    }

    /** The YAML labels of an enum, comma-separated. */
    public static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
    }
}
