package org.memtypelab.core.qemu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationPolicy;

/** QEMU's virtio-gpu: imports dma-bufs, maps blobs as hostmem subregions that become memslots, and owns the
 * migration blockers (DOMAIN 5, rules 27-29, 32-33). */
public final class QemuModel {

    /** The first memslot id QEMU gives blobs; lower ids stand for guest RAM and ROMs. */
    public static final int FIRST_BLOB_SLOT = 10;

    private static final long HVA_BASE = 0x7f00_0000_0000L;

    /** What {@link #mapBlob} produced: the slot to install in KVM, or why there is none. */
    public record MapResult(Outcome outcome, Optional<BlobSlot> slot) {}

    private final QemuConfig config;
    private final Map<String, DmaBuf> imported = new LinkedHashMap<>();
    private final Map<String, BlobSlot> blobs = new LinkedHashMap<>();
    private int nextSlot = FIRST_BLOB_SLOT;
    private long nextHva = HVA_BASE;

    public QemuModel(QemuConfig config) {
        this.config = config;
    }

    public QemuConfig config() {
        return config;
    }

    /** Receives a dma-buf fd from the GPU process. */
    public Outcome importDmaBuf(DmaBuf buf) {
        imported.put(buf.buffer(), buf);
        return Outcome.ok("QEMU imported the dma-buf of " + buf.buffer());
    }

    /** RESOURCE_MAP_BLOB: maps the blob into hostmem; the subregion becomes a memslot (DOMAIN 5.2, rule 28). */
    public MapResult mapBlob(String buffer, long gpa, int flags, Optional<MemType> slotMemtype) {
        DmaBuf buf = imported.get(buffer);
        if (buf == null) {
            return fail("QEMU has no dma-buf for " + buffer + ": export it first");
        }
        if (blobs.containsKey(buffer)) {
            return fail(buffer + " is already mapped at gpa 0x"
                    + Long.toHexString(blobs.get(buffer).gpa()));
        }
        if (!config.blob()) {
            return fail("virtio-gpu blob=off: blob resources cannot be mapped (SCENARIOS.md qemu.blob)");
        }
        if (config.virgl() && !config.version().atLeast(9, 2, 0)) {
            return fail("QEMU " + config.version() + " cannot map virgl blobs: RESOURCE_MAP_BLOB arrived in 9.2"
                    + " (DOMAIN 5.2)");
        }
        boolean guestRam = buf.profile().guestRam();
        Optional<MemType> qemuType = qemuMappingType(buf);
        if (qemuType.isEmpty()) {
            Hazard h = new Hazard(
                    buffer,
                    List.of(Who.QEMU, Who.RENDERER),
                    List.of("none", buf.profile().rendererMap().label()),
                    Hazard.Kind.UNMAPPABLE,
                    0,
                    "the exporter's mmap returns -ENOTSUPP (nv_dma_buf_mmap,"
                            + " DOMAIN rule 35): QEMU has no hva to give KVM for this blob");
            return new MapResult(
                    Outcome.failed(
                            "QEMU cannot mmap the dma-buf of " + buffer + ": exporter refuses mmap (DOMAIN rule"
                                    + " 35, DOMAIN 9 option 9)",
                            List.of(new Observation.Reported(h))),
                    Optional.empty());
        }
        long size = buf.size();
        BlobSlot slot = new BlobSlot(
                buffer,
                nextSlot++,
                gpa,
                size,
                nextHva,
                flags,
                slotMemtype,
                qemuType.get(),
                buf.profile().backing(),
                buf.profile().guestTypeFromMapInfo(),
                guestRam);
        nextHva += align(size);
        blobs.put(buffer, slot);
        boolean deref = guestRam || config.blobAccess() == QemuConfig.BlobAccess.QEMU_READS;
        Mapping q = new Mapping(buffer, Who.QEMU, new MappingType.Cpu(qemuType.get()), deref);
        return new MapResult(
                Outcome.ok(
                        "QEMU maps " + buffer + " " + qemuType.get() + " (" + qemuSource() + ") at hva 0x"
                                + Long.toHexString(slot.hva()) + ", memslot " + slot.slot()
                                + (deref ? "" : "; blob-access kvm-only: QEMU never touches it"),
                        List.of(new Observation.MappingSet(q))),
                Optional.of(slot));
    }

    /** The type of QEMU's own mapping: renderer pointer, exporter's mmap (rule 34) or its own vkMapMemory. */
    private Optional<MemType> qemuMappingType(DmaBuf buf) {
        if (config.gpu() == QemuConfig.GpuMode.IN_PROCESS
                || config.importMode() == QemuConfig.ImportMode.VK_MAP_MEMORY) {
            return Optional.of(buf.profile().rendererMap());
        }
        return buf.profile().dmabufMmap();
    }

    private String qemuSource() {
        if (config.gpu() == QemuConfig.GpuMode.IN_PROCESS) {
            return "the in-process renderer's pointer";
        }
        return config.importMode() == QemuConfig.ImportMode.VK_MAP_MEMORY
                ? "QEMU's own vkMapMemory of the imported fd"
                : "mmap of the dma-buf, the exporter's type (DOMAIN rule 34)";
    }

    /** RESOURCE_UNMAP_BLOB: the subregion goes, and with it the memslot. */
    public MapResult unmapBlob(String buffer) {
        BlobSlot slot = blobs.remove(buffer);
        if (slot == null) {
            return fail(buffer + " is not mapped");
        }
        return new MapResult(
                Outcome.ok(
                        "QEMU unmapped " + buffer + " (memslot " + slot.slot() + " deleted)",
                        List.of(new Observation.MappingGone(buffer, Who.QEMU))),
                Optional.of(slot));
    }

    /** A subsystem walking every memslot through its hva (dump-guest-memory, gdbstub, ...). */
    public Outcome walkMemslots(String by) {
        List<Observation> obs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (BlobSlot s : blobs.values()) {
            if (s.guestRam() || config.blobAccess() == QemuConfig.BlobAccess.QEMU_READS) {
                obs.add(new Observation.Access(s.buffer(), Who.QEMU, new MappingType.Cpu(s.qemuType()), false, 0, 0));
            } else {
                skipped.add(s.buffer());
            }
        }
        return Outcome.ok(
                by + " read " + obs.size() + " blob slot(s) through QEMU's mapping"
                        + (skipped.isEmpty() ? "" : "; skipped kvm-only blobs " + skipped),
                obs);
    }

    /** The migration blockers QEMU has registered (DOMAIN rules 27, 32). */
    public List<String> blockers(MigrationPolicy policy) {
        List<String> out = new ArrayList<>();
        if (config.virgl() && policy.keepsVirglBlocker()) {
            out.add("virgl is not yet migratable");
        }
        if (!config.virgl()
                && config.blob()
                && config.version().atLeast(8, 1, 3)
                && !config.version().atLeast(8, 2, 0)) {
            out.add("virtio-gpu blob VMs are currently not migratable.");
        }
        return out;
    }

    /** The blobs the migration thread reads through QEMU's mapping under {@code policy} (rules 28, 29). */
    public List<BlobSlot> blobsReadByMigration(MigrationPolicy policy) {
        return blobs.values().stream()
                .filter(s -> s.guestRam() || policy == MigrationPolicy.RAM_COPY)
                .toList();
    }

    public List<BlobSlot> blobs() {
        return List.copyOf(blobs.values());
    }

    /** The current mappings, for a monitor resync. */
    public List<Mapping> mappings() {
        return blobs.values().stream()
                .map(s -> new Mapping(
                        s.buffer(),
                        Who.QEMU,
                        new MappingType.Cpu(s.qemuType()),
                        s.guestRam() || config.blobAccess() == QemuConfig.BlobAccess.QEMU_READS))
                .toList();
    }

    private static long align(long size) {
        long two = 2L << 20;
        return Math.max(two, (size + two - 1) / two * two);
    }

    private static MapResult fail(String why) {
        return new MapResult(Outcome.failed(why), Optional.empty());
    }
}
