package org.memtypelab.core.qemu;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.memtypelab.core.Labelled;

/**
 * QEMU's virtio-gpu setup in a scenario (SCENARIOS.md {@code qemu:} section).
 *
 * @param rutabaga the device is {@code virtio-gpu-rutabaga} (QEMU 8.2+) instead of virtio-gpu with or without virgl:
 *     it maps host blobs into hostmem and registers no migration blocker (DOMAIN 5.1, 5.2, rule 28b)
 */
public record QemuConfig(
        QemuVersion version,
        boolean virgl,
        boolean blob,
        GpuMode gpu,
        ImportMode importMode,
        BlobAccess blobAccess,
        boolean rutabaga) {

    /** A virtio-gpu device without rutabaga: with or without virgl, as before rutabaga was modelled. */
    public QemuConfig(
            QemuVersion version,
            boolean virgl,
            boolean blob,
            GpuMode gpu,
            ImportMode importMode,
            BlobAccess blobAccess) {
        this(version, virgl, blob, gpu, importMode, blobAccess, false);
    }

    /** The SCENARIOS.md defaults: 9.2, virgl, blob, in-process, dmabuf-mmap, kvm-only. */
    public static QemuConfig defaults() {
        return new QemuConfig(
                QemuVersion.of("9.2"), true, true, GpuMode.IN_PROCESS, ImportMode.DMABUF_MMAP, BlobAccess.KVM_ONLY);
    }

    /**
     * Why QEMU refuses to create this device, in plain words quoting QEMU where it has a message; empty when the
     * device realizes. The scenario loader turns a refusal into exit 2.
     */
    public Optional<String> refusal() {
        if (rutabaga && virgl) {
            // DOMAIN 5.1: virtio_gpu_rutabaga_realize() sets RUTABAGA/BLOB/CONTEXT_INIT, not VIRGL: another device
            return Optional.of("virtio-gpu-rutabaga and virgl are two different devices, QEMU runs one or the other"
                    + " (DOMAIN 5.1, rule 28b); allowed: rutabaga: true with virgl: false, or rutabaga: false");
        }
        if (rutabaga && !version.atLeast(8, 2, 0)) {
            // DOMAIN 5.2, rule 28b: rutabaga/gfxstream merged Oct 2023 => QEMU 8.2
            return Optional.of("QEMU " + version + " has no virtio-gpu-rutabaga device: virtio-gpu-rutabaga arrived in"
                    + " QEMU 8.2 (DOMAIN 5.2, rule 28b); allowed: qemu.version 8.2 or later, or rutabaga: false");
        }
        if (virgl && blob && !version.atLeast(9, 2, 0)) {
            // DOMAIN rule 28b: before 9.2 virtio_gpu_device_realize() rejects virgl + blob=on
            return Optional.of("QEMU " + version + " refuses virgl with blob=on at device creation: \"blobs and virgl"
                    + " are not compatible (yet)\" (DOMAIN rule 28b); allowed: qemu.version 9.2 or later, virgl: false,"
                    + " or blob: false");
        }
        return Optional.empty();
    }

    /**
     * Whether the device has blob resources at all: blob=on, or rutabaga, whose realize sets BLOB itself (DOMAIN 5.1).
     */
    public boolean blobResources() {
        return blob || rutabaga;
    }

    /**
     * 2D blobs: blob=on without virgl or rutabaga. Blobs are guest RAM behind QEMU's own udmabuf; there is no
     * RESOURCE_MAP_BLOB and no hostmem (DOMAIN 5.2, rule 32).
     */
    public boolean twoDimensionalBlobs() {
        return blob && !virgl && !rutabaga;
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
