package org.memtypelab.core.qemu;

import java.util.ArrayList;
import java.util.BitSet;
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

    /** The memslot of the guest's RAM: a 2D (guest-RAM) blob lives in it and gets no memslot of its own (rule 32). */
    public static final int GUEST_RAM_SLOT = 0;

    /**
     * The first memslot id QEMU gives hostmem blobs; lower ids stand for guest RAM and ROMs. QEMU gives each new blob
     * the lowest free id from here, so ids freed by unmap-blob are used again; it does not stop at the kernel's limit,
     * KVM answers an id past it with EINVAL (DOMAIN rule 21, 3.4).
     */
    public static final int FIRST_BLOB_SLOT = 10;

    private static final long HVA_BASE = 0x7f00_0000_0000L;

    /** What {@link #mapBlob} produced: the slot to install in KVM, or why there is none. */
    public record MapResult(Outcome outcome, Optional<BlobSlot> slot) {}

    private final QemuConfig config;
    private final Map<String, DmaBuf> imported = new LinkedHashMap<>();
    private final Map<String, BlobSlot> blobs = new LinkedHashMap<>();
    /** The memslot ids of mapped hostmem blobs. */
    private final BitSet usedSlots = new BitSet();

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

    /**
     * RESOURCE_MAP_BLOB: maps the blob into hostmem; the subregion becomes a memslot with the lowest free blob slot id
     * (DOMAIN 5.2, rules 28, 28b). A 2D blob is guest RAM: nothing new is mapped and it takes no memslot (rule 32).
     */
    public MapResult mapBlob(String buffer, long gpa, int flags, Optional<MemType> slotMemtype) {
        DmaBuf buf = imported.get(buffer);
        if (buf == null) {
            return fail("QEMU has no dma-buf for " + buffer + ": export it first");
        }
        if (blobs.containsKey(buffer)) {
            return fail(buffer + " is already mapped at gpa 0x"
                    + Long.toHexString(blobs.get(buffer).gpa()));
        }
        if (!config.blobResources()) {
            return fail("virtio-gpu blob=off: blob resources cannot be mapped (SCENARIOS.md qemu.blob)");
        }
        Optional<String> refusal = config.refusal();
        if (refusal.isPresent()) {
            // defence: the scenario loader refuses such a QEMU before the run (DOMAIN rule 28b)
            return fail("there is no virtio-gpu device to map " + buffer + ": " + refusal.get());
        }
        boolean guestRam = buf.profile().guestRam();
        if (!guestRam && config.twoDimensionalBlobs()) {
            // DOMAIN 5.2: without virgl or rutabaga, RESOURCE_MAP_BLOB has no case -> VIRTIO_GPU_RESP_ERR_UNSPEC
            return fail("QEMU without virgl or rutabaga has only 2D blobs in guest RAM: RESOURCE_MAP_BLOB of " + buffer
                    + " is answered VIRTIO_GPU_RESP_ERR_UNSPEC, no hostmem to map it into (DOMAIN 5.2, rule 32)");
        }
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
        if (guestRam) {
            return mapGuestRam(buf, gpa, flags, slotMemtype, qemuType.get());
        }
        long size = buf.size();
        int id = usedSlots.nextClearBit(FIRST_BLOB_SLOT);
        usedSlots.set(id);
        BlobSlot slot = new BlobSlot(
                buffer,
                id,
                gpa,
                size,
                nextHva,
                flags,
                slotMemtype,
                qemuType.get(),
                buf.profile().backing(),
                buf.profile().guestTypeFromMapInfo(),
                false,
                // the exporter's own mmap type (rule 34); an exporter that cannot mmap publishes the driver's type
                buf.profile().dmabufMmap().orElse(buf.profile().rendererMap()));
        nextHva += align(size);
        blobs.put(buffer, slot);
        boolean deref = config.blobAccess() == QemuConfig.BlobAccess.QEMU_READS;
        Mapping q = new Mapping(buffer, Who.QEMU, new MappingType.Cpu(qemuType.get()), deref);
        return new MapResult(
                Outcome.ok(
                        "QEMU maps " + buffer + " " + qemuType.get() + " (" + qemuSource() + ") at hva 0x"
                                + Long.toHexString(slot.hva()) + ", memslot " + slot.slot()
                                + (deref ? "" : "; blob-access kvm-only: QEMU never touches it"),
                        List.of(new Observation.MappingSet(q))),
                Optional.of(slot));
    }

    /**
     * A 2D blob: guest RAM behind the udmabuf QEMU built over the memfd RAM and mmapped read-only for scanout. There is
     * no RESOURCE_MAP_BLOB and no new memslot: the slot handed on is the guest's RAM slot, and no blob slot id is
     * taken (DOMAIN 5.2, rule 32).
     */
    private MapResult mapGuestRam(DmaBuf buf, long gpa, int flags, Optional<MemType> slotMemtype, MemType qemuType) {
        BlobSlot slot = new BlobSlot(
                buf.buffer(),
                GUEST_RAM_SLOT,
                gpa,
                buf.size(),
                nextHva,
                flags,
                slotMemtype,
                qemuType,
                buf.profile().backing(),
                buf.profile().guestTypeFromMapInfo(),
                true,
                qemuType);
        nextHva += align(buf.size());
        blobs.put(buf.buffer(), slot);
        // QEMU's scanout mapping is dereferenced, and RAM migration reads guest RAM whatever blob-access says
        Mapping q = new Mapping(buf.buffer(), Who.QEMU, new MappingType.Cpu(qemuType), true);
        return new MapResult(
                Outcome.ok(
                        (config.twoDimensionalBlobs() ? "2D blob " : "guest-RAM blob ") + buf.buffer()
                                + " is guest RAM: QEMU made its own udmabuf over the memfd and maps it read-only "
                                + qemuType + " for scanout at hva 0x" + Long.toHexString(slot.hva())
                                + "; no MAP_BLOB, no new memslot (DOMAIN rule 32)",
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
        if (!slot.guestRam()) {
            usedSlots.clear(slot.slot()); // QEMU may give this id to the next blob
        }
        return new MapResult(
                Outcome.ok(
                        slot.guestRam()
                                ? buffer + " is guest RAM: QEMU drops its udmabuf mapping; no memslot to delete"
                                        + " (DOMAIN rule 32)"
                                : "QEMU unmapped " + buffer + " (memslot " + slot.slot() + " deleted)",
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

    /** The migration blockers QEMU has registered (DOMAIN rules 27, 28b, 32); rutabaga registers none. */
    public List<String> blockers(MigrationPolicy policy) {
        List<String> out = new ArrayList<>();
        if (config.virgl() && policy.keepsVirglBlocker()) {
            out.add("virgl is not yet migratable");
        }
        if (config.twoDimensionalBlobs()
                && config.version().atLeast(8, 1, 3)
                && !config.version().atLeast(8, 2, 0)) {
            out.add("virtio-gpu blob VMs are currently not migratable."); // DOMAIN rule 32: 8.1.3+ of 8.1.x
        }
        return out;
    }

    /**
     * Why saving the device state crashes the source QEMU, if it does: up to 8.1.2 (before the 2D-blob blocker)
     * virtio_gpu_save crashes once any blob resource exists (DOMAIN rule 32, 5.1). Device state is saved after RAM,
     * so the migration fails at its end, whatever the policy.
     */
    public Optional<String> saveCrash() {
        if (config.twoDimensionalBlobs() && !config.version().atLeast(8, 1, 3) && !imported.isEmpty()) {
            return Optional.of("QEMU " + config.version() + " crashed in virtio_gpu_save: a blob resource exists and"
                    + " this version has no blob migration support (DOMAIN rule 32)");
        }
        return Optional.empty();
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
