package org.memtypelab.core.kvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.memslot.Memslot;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memslot.MemslotTable;
import org.memtypelab.core.memslot.SetRequest;
import org.memtypelab.core.memslot.SetResult;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.BlobSlot;

/**
 * One VM in KVM: its memslot table, its non-coherent DMA count, and the memtype of every guest mapping of a blob,
 * fixed when the SPTE is built and changed only by a zap (DOMAIN 2.2-2.4, rules 16-18). A restart loses it all:
 * memslots die with the VM process.
 */
public final class KvmModel {

    private static final long RAW_HVA_BASE = 0x7e00_0000_0000L;

    /** A guest mapping of a blob: the PAT the guest asked for and the type its SPTEs were built with. */
    private record GuestMap(MemType guestPat, MappingType type) {}

    /** The ioctl's answer and what changed for the monitor. */
    public record SetOutcome(SetResult result, Outcome outcome) {}

    private final KvmPlatform platform;
    private final MemslotTable table;
    private final Map<Integer, BlobSlot> blobsBySlot = new LinkedHashMap<>();
    private final Map<String, GuestMap> guestMaps = new LinkedHashMap<>();
    private int vfioNoncoherent;
    private long nextRawHva = RAW_HVA_BASE;

    public KvmModel(KvmPlatform platform) {
        this.platform = platform;
        this.table = MemslotTable.forKernel(platform.kvm());
    }

    public KvmPlatform platform() {
        return platform;
    }

    public MemslotTable table() {
        return table;
    }

    /** The VM-wide non-coherent DMA count: VFIO devices plus KVM_MEM_DMA slots (rule 16, RFC 3/3). */
    public int noncoherentDmaCount() {
        int memDma = (int) table.slots().stream()
                .filter(s -> s.has(MemslotFlag.KVM_MEM_DMA))
                .count();
        return vfioNoncoherent + memDma;
    }

    /** Installs a blob's memslot as QEMU asks (DOMAIN 5.2, rule 28). */
    public SetOutcome installBlob(BlobSlot blob) {
        SetRequest req = new SetRequest(blob.slot(), blob.flags(), blob.gpa(), blob.size(), blob.hva(), ioctl());
        SetOutcome out = set(req);
        if (out.result().succeeded()) {
            blobsBySlot.put(blob.slot(), blob);
        }
        return out;
    }

    /** Deletes a blob's memslot (RESOURCE_UNMAP_BLOB). */
    public SetOutcome removeBlob(BlobSlot blob) {
        return set(new SetRequest(blob.slot(), 0, blob.gpa(), 0, blob.hva(), ioctl()));
    }

    /** A raw {@code KVM_SET_USER_MEMORY_REGION}; without an hva the slot's own is kept or a fresh one chosen. */
    public SetOutcome setMemoryRegion(int slot, int flags, long gpa, long size, Optional<Long> hva) {
        SetRequest probe = new SetRequest(slot, flags, gpa, size, 0, ioctl());
        long address = hva.orElseGet(() -> table.get(probe.asId(), probe.id())
                .map(Memslot::hva)
                .orElseGet(() -> {
                    long h = nextRawHva;
                    nextRawHva += Math.max(size, 1L << 21);
                    return h;
                }));
        return set(new SetRequest(slot, flags, gpa, size, address, ioctl()));
    }

    private SetRequest.Ioctl ioctl() {
        return table.rules().v2Ioctl() ? SetRequest.Ioctl.V2 : SetRequest.Ioctl.V1;
    }

    private SetOutcome set(SetRequest req) {
        int before = noncoherentDmaCount();
        SetResult result = table.set(req);
        if (!(result instanceof SetResult.Applied applied)) {
            SetResult.Failed f = (SetResult.Failed) result;
            return new SetOutcome(result, Outcome.failed(f.errno().name() + ": " + f.reason()));
        }
        List<Observation> obs = new ArrayList<>();
        StringBuilder detail = new StringBuilder(applied.change() + ": " + applied.because());
        if (applied.change() == SetResult.Change.DELETE || applied.change() == SetResult.Change.MOVE) {
            // KVM zaps the SPTEs of a deleted or moved slot; a moved blob is rebuilt on the next guest access.
            BlobSlot blob = applied.change() == SetResult.Change.DELETE
                    ? blobsBySlot.remove(req.slot())
                    : blobsBySlot.get(req.slot());
            if (blob != null && guestMaps.remove(blob.buffer()) != null) {
                obs.add(new Observation.MappingGone(blob.buffer(), Who.GUEST));
            }
        }
        int after = noncoherentDmaCount();
        if ((before == 0) != (after == 0)) {
            detail.append("; non-coherent DMA count ")
                    .append(before)
                    .append(" -> ")
                    .append(after);
            obs.addAll(transition(detail));
        }
        return new SetOutcome(result, Outcome.ok(detail.toString(), obs));
    }

    /**
     * QEMU turns on dirty logging for a blob slot that migration will copy (DOMAIN 3.5, rule 25: memtype unchanged).
     * Under {@code +dma-excludes-dirty-log} a KVM_MEM_DMA slot refuses it (EINVAL), so QEMU deletes the slot and
     * recreates it without KVM_MEM_DMA, with logging; the guest's next access rebuilds its SPTEs under the plain
     * policy (DOMAIN 9 option 6 [I]).
     */
    public Outcome startDirtyLog(BlobSlot blob) {
        Memslot slot = table.get(0, blob.slot()).orElse(null);
        if (slot == null) {
            return Outcome.failed("memslot " + blob.slot() + " of " + blob.buffer() + " is gone");
        }
        int logOn = slot.flagBits() | MemslotFlag.LOG_DIRTY_PAGES.bit();
        SetOutcome direct = set(new SetRequest(blob.slot(), logOn, slot.gpa(), slot.size(), slot.hva(), ioctl()));
        if (direct.result().succeeded() || !slot.has(MemslotFlag.KVM_MEM_DMA)) {
            return direct.outcome();
        }
        GuestMap guest = guestMaps.get(blob.buffer());
        List<Observation> obs = new ArrayList<>(removeBlob(blob).outcome().observations());
        int plain = (slot.flagBits() & ~MemslotFlag.KVM_MEM_DMA.bit()) | MemslotFlag.LOG_DIRTY_PAGES.bit();
        BlobSlot relogged = new BlobSlot(
                blob.buffer(),
                blob.slot(),
                blob.gpa(),
                blob.size(),
                blob.hva(),
                plain,
                blob.slotMemtype(),
                blob.qemuType(),
                blob.backing(),
                blob.guestDefaultPat(),
                blob.guestRam());
        SetOutcome recreated = installBlob(relogged);
        obs.addAll(recreated.outcome().observations());
        String detail = "KVM_MEM_DMA excludes dirty logging (" + ((SetResult.Failed) direct.result()).errno()
                + "): QEMU deleted memslot " + blob.slot() + " and recreated it without KVM_MEM_DMA, logging on";
        if (guest != null && recreated.result().succeeded()) {
            GuestMap rebuilt = decide(relogged, guest.guestPat());
            guestMaps.put(blob.buffer(), rebuilt);
            obs.add(new Observation.MappingSet(new Mapping(blob.buffer(), Who.GUEST, rebuilt.type(), true)));
            detail += "; the guest's SPTEs were rebuilt as " + rebuilt.type().label();
        }
        return Outcome.ok(detail, obs);
    }

    /** A VFIO device without snoop control attaches or detaches (rule 16). */
    public Outcome noncoherentDma(boolean attach) {
        if (!attach && vfioNoncoherent == 0) {
            return Outcome.failed("no non-coherent DMA device is attached");
        }
        int before = noncoherentDmaCount();
        vfioNoncoherent += attach ? 1 : -1;
        StringBuilder detail = new StringBuilder("non-coherent DMA count " + before + " -> " + noncoherentDmaCount());
        List<Observation> obs = (before == 0) != (noncoherentDmaCount() == 0) ? transition(detail) : List.of();
        return Outcome.ok(detail.toString(), obs);
    }

    /** The 0 -> 1 / 1 -> 0 transition: zap everything or keep stale memtypes, per era (rules 17, 18). */
    private List<Observation> transition(StringBuilder detail) {
        ZapPolicy.Answer zap = ZapPolicy.noncoherentDmaTransition(platform);
        detail.append("; ").append(zap.because());
        if (zap.zap() != ZapPolicy.Zap.ALL) {
            return List.of();
        }
        List<Observation> obs = new ArrayList<>();
        for (Map.Entry<String, GuestMap> e : guestMaps.entrySet()) {
            BlobSlot blob = blobOf(e.getKey()).orElseThrow();
            MappingType rebuilt = decide(blob, e.getValue().guestPat()).type();
            if (!rebuilt.equals(e.getValue().type())) {
                e.setValue(new GuestMap(e.getValue().guestPat(), rebuilt));
                obs.add(new Observation.MappingSet(new Mapping(e.getKey(), Who.GUEST, rebuilt, true)));
            }
        }
        return obs;
    }

    /** The guest maps a blob; the SPTE is built now, with today's policy (rule 18). */
    public Outcome guestMap(String buffer, Optional<MemType> pat) {
        Optional<BlobSlot> blob = blobOf(buffer);
        if (blob.isEmpty()) {
            return Outcome.failed("no memslot holds " + buffer + ": map-blob it first");
        }
        MemType guestPat = pat.orElse(blob.get().guestDefaultPat());
        GuestMap map = decide(blob.get(), guestPat);
        guestMaps.put(buffer, map);
        String source =
                pat.isPresent() ? "guest PAT " + guestPat : "guest PAT " + guestPat + " from map_info (rule 30)";
        return Outcome.ok(
                "guest maps " + buffer + " with " + source + " -> " + map.type().label(),
                List.of(new Observation.MappingSet(new Mapping(buffer, Who.GUEST, map.type(), true))));
    }

    /** A guest CPU read or write of a mapped blob. */
    public Outcome guestAccess(String buffer, boolean write, long offset, int value) {
        GuestMap map = guestMaps.get(buffer);
        if (map == null) {
            return Outcome.failed("the guest has not mapped " + buffer + " (add a guest-map step)");
        }
        BlobSlot blob = blobOf(buffer).orElseThrow();
        if (offset < 0 || offset >= blob.size()) {
            return Outcome.failed("offset " + offset + " is outside " + buffer + " (" + blob.size() + " bytes)");
        }
        return Outcome.ok(
                "guest " + (write ? "write" : "read") + " of " + buffer + "+" + offset + " ("
                        + map.type().label() + ")",
                List.of(new Observation.Access(buffer, Who.GUEST, map.type(), write, offset, value)));
    }

    private GuestMap decide(BlobSlot blob, MemType guestPat) {
        Memslot slot = table.get(0, blob.slot()).orElseThrow();
        GuestPage page = new GuestPage(
                blob.backing() == Backing.MMIO,
                guestPat,
                MemType.WB,
                false,
                noncoherentDmaCount() > 0,
                blob.qemuType(),
                slot.has(MemslotFlag.KVM_MEM_DMA),
                slot.has(MemslotFlag.LOG_DIRTY_PAGES),
                blob.slotMemtype());
        GuestMemtype.Resolution r = GuestMemtype.resolve(platform, page);
        MappingType type;
        if (r.effective() instanceof Effective.Known k) {
            type = r.ept()
                    .<MappingType>map(e -> new MappingType.Guest(k.type(), e))
                    .orElse(new MappingType.Cpu(k.type()));
        } else {
            List<String> because = r.effective().because();
            type = new MappingType.Unverified(because.get(because.size() - 1));
        }
        return new GuestMap(guestPat, type);
    }

    private Optional<BlobSlot> blobOf(String buffer) {
        return blobsBySlot.values().stream()
                .filter(b -> b.buffer().equals(buffer))
                .findFirst();
    }

    /** The blob slots currently installed. */
    public List<BlobSlot> blobs() {
        return List.copyOf(blobsBySlot.values());
    }

    /** The current guest mappings, for a monitor resync. */
    public List<Mapping> mappings() {
        List<Mapping> out = new ArrayList<>();
        guestMaps.forEach((b, m) -> out.add(new Mapping(b, Who.GUEST, m.type(), true)));
        return out;
    }
}
