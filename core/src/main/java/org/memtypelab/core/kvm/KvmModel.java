package org.memtypelab.core.kvm;

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
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.memslot.Errno;
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

    /**
     * A guest mapping of a blob: the PAT and MTRR types the guest gave the range, the type its SPTEs were built with,
     * and whether KVM can map its pages at all (rule 28a).
     */
    private record GuestMap(MemType guestPat, MemType guestMtrr, MappingType type, PfnMap.Answer pfn) {

        GuestMap withType(MappingType t) {
            return new GuestMap(guestPat, guestMtrr, t, pfn);
        }

        /** Whether the guest's accesses reach memory through this mapping (no EFAULT, no unknown). */
        boolean maps() {
            return pfn instanceof PfnMap.Answer.Maps;
        }
    }

    /** The ioctl's answer and what changed for the monitor. */
    public record SetOutcome(SetResult result, Outcome outcome) {}

    /** What a guest access did, and the errno KVM_RUN returned if it failed (rule 28a). */
    public record RunOutcome(Outcome outcome, Optional<Errno> errno) {}

    private final KvmPlatform platform;
    private final MemslotTable table;
    private final Map<Integer, BlobSlot> blobsBySlot = new LinkedHashMap<>();
    /** 2D blobs: guest RAM inside the guest's RAM memslot, by buffer (DOMAIN rule 32). */
    private final Map<String, BlobSlot> guestRamBlobs = new LinkedHashMap<>();

    private final Map<String, GuestMap> guestMaps = new LinkedHashMap<>();
    private int vfioNoncoherent;
    private boolean guestCr0Cd;
    private long nextRawHva = RAW_HVA_BASE;

    public KvmModel(KvmPlatform platform) {
        this.platform = platform;
        this.table = MemslotTable.forKernel(platform.kvm());
        this.vfioNoncoherent = platform.vfioNoncoherent() ? 1 : 0; // SCENARIOS.md platform.noncoherent-dma
    }

    public KvmPlatform platform() {
        return platform;
    }

    public MemslotTable table() {
        return table;
    }

    /**
     * The VM-wide non-coherent DMA count: VFIO devices plus KVM_MEM_DMA slots (rule 16, RFC 3/3); under
     * {@code +slot-noncoherent} a flagged slot is non-coherent for its own pages only.
     */
    public int noncoherentDmaCount() {
        if (platform.kvm().has(DesignPatch.SLOT_NONCOHERENT)) {
            return vfioNoncoherent;
        }
        int memDma = (int) table.slots().stream()
                .filter(s -> s.has(MemslotFlag.KVM_MEM_DMA))
                .count();
        return vfioNoncoherent + memDma;
    }

    /**
     * A 2D blob is guest RAM already inside the guest's RAM memslot: KVM learns where it is and makes no ioctl
     * (DOMAIN rule 32).
     */
    public Outcome addGuestRamBlob(BlobSlot blob) {
        guestRamBlobs.put(blob.buffer(), blob);
        return Outcome.ok(blob.buffer() + " is guest RAM in the guest's RAM memslot: no new memslot (DOMAIN rule 32)");
    }

    /** The 2D blob's resource went; the guest's RAM stays where it was. */
    public Outcome dropGuestRamBlob(BlobSlot blob) {
        guestRamBlobs.remove(blob.buffer());
        List<Observation> obs = guestMaps.remove(blob.buffer()) != null
                ? List.of(new Observation.MappingGone(blob.buffer(), Who.GUEST))
                : List.of();
        return Outcome.ok(blob.buffer() + " is no longer a resource; its guest RAM stays mapped", obs);
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

    /**
     * A raw {@code KVM_SET_USER_MEMORY_REGION} - the v1 ioctl, which rejects GUEST_MEMFD (rule 19); without an hva the
     * slot's own is kept or a fresh one chosen.
     */
    public SetOutcome setMemoryRegion(int slot, int flags, long gpa, long size, Optional<Long> hva) {
        SetRequest probe = new SetRequest(slot, flags, gpa, size, 0, SetRequest.Ioctl.V1);
        long address = hva.orElseGet(() -> table.get(probe.asId(), probe.id())
                .map(Memslot::hva)
                .orElseGet(() -> {
                    long h = nextRawHva;
                    nextRawHva += Math.max(size, 1L << 21);
                    return h;
                }));
        return set(new SetRequest(slot, flags, gpa, size, address, SetRequest.Ioctl.V1));
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
        if (applied.change() == SetResult.Change.FLAGS_ONLY) {
            obs.addAll(dirtyLogToggled(req.slot(), detail));
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
     * Under {@code +dma-excludes-dirty-log} KVM accepts it on a KVM_MEM_DMA slot, forces WB and zaps the slot; the
     * slot stays (DOMAIN 9 option 6, Sean's wording).
     */
    public Outcome startDirtyLog(BlobSlot blob) {
        if (blob.guestRam()) {
            return Outcome.ok(blob.buffer() + " is guest RAM: the guest's RAM memslot is dirty-logged for migration"
                    + " like all RAM (rule 25: memtype unchanged)");
        }
        Memslot slot = table.get(0, blob.slot()).orElse(null);
        if (slot == null) {
            return Outcome.failed("memslot " + blob.slot() + " of " + blob.buffer() + " is gone");
        }
        int logOn = slot.flagBits() | MemslotFlag.LOG_DIRTY_PAGES.bit();
        return set(new SetRequest(blob.slot(), logOn, slot.gpa(), slot.size(), slot.hva(), ioctl()))
                .outcome();
    }

    /** Dirty logging toggled on a slot: its guest mappings are rebuilt if KVM zaps the slot (option 6, rule 25). */
    private List<Observation> dirtyLogToggled(int slotId, StringBuilder detail) {
        BlobSlot blob = blobsBySlot.get(slotId);
        Memslot slot = table.get(0, slotId).orElse(null);
        if (blob == null || slot == null) {
            return List.of();
        }
        ZapPolicy.Answer zap = ZapPolicy.dirtyLogToggle(platform, slot.has(MemslotFlag.KVM_MEM_DMA));
        if (zap.zap() != ZapPolicy.Zap.SLOT) {
            return List.of();
        }
        detail.append("; ").append(zap.because());
        GuestMap guest = guestMaps.get(blob.buffer());
        if (guest == null || !guest.maps()) {
            return List.of();
        }
        GuestMap rebuilt = guest.withType(decide(blob, guest.guestPat(), guest.guestMtrr()));
        guestMaps.put(blob.buffer(), rebuilt);
        detail.append("; the guest's SPTEs were rebuilt as ")
                .append(rebuilt.type().label());
        return List.of(new Observation.MappingSet(new Mapping(blob.buffer(), Who.GUEST, rebuilt.type(), true)));
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
        return rebuildAll(ZapPolicy.Zap.ALL, zap.because());
    }

    /**
     * Recomputes every guest mapping after a policy change: a zap rebuilds it (rule 18), no zap keeps the stale type,
     * and where DOMAIN.md does not say whether KVM zaps, a mapping whose type would change becomes unknown.
     */
    private List<Observation> rebuildAll(ZapPolicy.Zap zap, String because) {
        List<Observation> obs = new ArrayList<>();
        for (Map.Entry<String, GuestMap> e : guestMaps.entrySet()) {
            GuestMap g = e.getValue();
            if (!g.maps() || zap == ZapPolicy.Zap.NONE) {
                continue;
            }
            BlobSlot blob = blobOf(e.getKey()).orElseThrow();
            MappingType rebuilt = decide(blob, g.guestPat(), g.guestMtrr());
            if (rebuilt.equals(g.type())) {
                continue;
            }
            MappingType now = zap == ZapPolicy.Zap.UNKNOWN ? new MappingType.Unverified(because) : rebuilt;
            e.setValue(g.withType(now));
            obs.add(new Observation.MappingSet(new Mapping(e.getKey(), Who.GUEST, now, true)));
        }
        return obs;
    }

    /**
     * The guest sets or clears CR0.CD (SCENARIOS.md {@code guest-cr0-cd}). KVM emulates it only through the EPT type
     * (rule 2 note, rules 11-12), and only existing SPTEs that are zapped see the change (DOMAIN 2.4, rule 18); on
     * AMD the quirk CD_NW_CLEARED keeps it from having any caching effect (rule 6a).
     */
    public Outcome guestCr0Cd(boolean value) {
        if (guestCr0Cd == value) {
            return Outcome.ok("guest CR0.CD is already " + (value ? 1 : 0) + ": nothing changes");
        }
        guestCr0Cd = value;
        StringBuilder detail = new StringBuilder("guest CR0.CD=" + (value ? 1 : 0));
        if (platform.cpu() == CpuVendor.AMD) {
            if (platform.cdNwQuirk()) {
                detail.append("; DOMAIN rule 6a: CD_NW_CLEARED keeps CD out of the hardware CR0 (the guest reads"
                        + " back CD=1): no caching effect");
                return Outcome.ok(detail.toString());
            }
            detail.append("; DOMAIN rule 6a: without CD_NW_CLEARED the hardware caches go into no-fill mode at once");
            return Outcome.ok(detail.toString(), rebuildAll(ZapPolicy.Zap.ALL, ""));
        }
        ZapPolicy.Answer zap = ZapPolicy.guestCacheControlChange(platform, noncoherentDmaCount() > 0);
        detail.append("; ").append(zap.because());
        return Outcome.ok(detail.toString(), rebuildAll(zap.zap(), zap.because()));
    }

    /**
     * The guest maps a blob with {@code pat} (or map_info's type, rule 30) over a range whose guest MTRR type is
     * {@code mtrr}; the SPTE is built now, with today's policy (rule 18) - unless KVM cannot map the pages at all
     * (rule 28a), which the guest learns at its first access.
     */
    public Outcome guestMap(String buffer, Optional<MemType> pat, MemType mtrr) {
        Optional<BlobSlot> blob = blobOf(buffer);
        if (blob.isEmpty()) {
            return Outcome.failed("no memslot holds " + buffer + ": map-blob it first");
        }
        MemType guestPat = pat.orElse(blob.get().guestDefaultPat());
        PfnMap.Answer pfn = PfnMap.guestAccess(
                platform.kvm(), blob.get().backing(), blob.get().size());
        MappingType type = pfn instanceof PfnMap.Answer.Unknown u
                ? new MappingType.Unverified(u.why())
                : decide(blob.get(), guestPat, mtrr);
        guestMaps.put(buffer, new GuestMap(guestPat, mtrr, type, pfn));
        String source =
                (pat.isPresent() ? "guest PAT " + guestPat : "guest PAT " + guestPat + " from map_info (rule 30)")
                        + (mtrr == MemType.WB ? "" : ", guest MTRR " + mtrr);
        if (pfn instanceof PfnMap.Answer.Faults f) {
            return Outcome.ok(
                    "guest maps " + buffer + " with " + source + "; KVM will not map its pages: " + f.witness());
        }
        String note = pfn instanceof PfnMap.Answer.Maps m && !m.note().isEmpty() ? "; " + m.note() : "";
        return Outcome.ok(
                "guest maps " + buffer + " with " + source + " -> " + type.label() + note,
                List.of(new Observation.MappingSet(new Mapping(buffer, Who.GUEST, type, true))));
    }

    /** The guest maps a blob over guest-MTRR WB memory. */
    public Outcome guestMap(String buffer, Optional<MemType> pat) {
        return guestMap(buffer, pat, MemType.WB);
    }

    /** A guest CPU read or write of a mapped blob; KVM_RUN fails with EFAULT where it cannot map the page (28a). */
    public RunOutcome guestAccess(String buffer, boolean write, long offset, int value) {
        GuestMap map = guestMaps.get(buffer);
        if (map == null) {
            return new RunOutcome(
                    Outcome.failed("the guest has not mapped " + buffer + " (add a guest-map step)"), Optional.empty());
        }
        BlobSlot blob = blobOf(buffer).orElseThrow();
        if (offset < 0 || offset >= blob.size()) {
            return new RunOutcome(
                    Outcome.failed("offset " + offset + " is outside " + buffer + " (" + blob.size() + " bytes)"),
                    Optional.empty());
        }
        String access = "guest " + (write ? "write" : "read") + " of " + buffer + "+" + offset;
        if (map.pfn() instanceof PfnMap.Answer.Faults f) {
            Hazard h = new Hazard(
                    buffer,
                    List.of(Who.GUEST, Who.QEMU),
                    List.of("EFAULT", blob.qemuType().label()),
                    Hazard.Kind.GUEST_FAULT,
                    0,
                    f.witness());
            return new RunOutcome(
                    Outcome.failed(access + ": " + f.witness(), List.of(new Observation.Reported(h))),
                    Optional.of(Errno.EFAULT));
        }
        return new RunOutcome(
                Outcome.ok(
                        access + " (" + map.type().label() + ")",
                        List.of(new Observation.Access(buffer, Who.GUEST, map.type(), write, offset, value))),
                Optional.empty());
    }

    private MappingType decide(BlobSlot blob, MemType guestPat, MemType guestMtrr) {
        Memslot memslot = blob.guestRam() ? null : table.get(0, blob.slot()).orElseThrow();
        GuestPage.Slot slot = memslot == null
                // a 2D blob is guest RAM in the guest's RAM slot, not a dma-buf slot (DOMAIN rule 32)
                ? new GuestPage.Slot(blob.qemuType(), false, false, Optional.empty(), false, MemType.WB)
                : new GuestPage.Slot(
                        blob.qemuType(),
                        memslot.has(MemslotFlag.KVM_MEM_DMA),
                        memslot.has(MemslotFlag.LOG_DIRTY_PAGES),
                        blob.slotMemtype(),
                        true,
                        blob.exporterType());
        GuestPage page = new GuestPage(
                blob.backing() == Backing.MMIO, guestPat, guestMtrr, guestCr0Cd, noncoherentDmaCount() > 0, slot);
        GuestMemtype.Resolution r = GuestMemtype.resolve(platform, page);
        if (r.effective() instanceof Effective.Known k) {
            return r.ept()
                    .<MappingType>map(e -> new MappingType.Guest(k.type(), e))
                    .orElse(new MappingType.Cpu(k.type()));
        }
        List<String> because = r.effective().because();
        return new MappingType.Unverified(because.get(because.size() - 1));
    }

    private Optional<BlobSlot> blobOf(String buffer) {
        return blobsBySlot.values().stream()
                .filter(b -> b.buffer().equals(buffer))
                .findFirst()
                .or(() -> Optional.ofNullable(guestRamBlobs.get(buffer)));
    }

    /** The blob slots currently installed. */
    public List<BlobSlot> blobs() {
        List<BlobSlot> all = new ArrayList<>(blobsBySlot.values());
        all.addAll(guestRamBlobs.values());
        return List.copyOf(all);
    }

    /** The current guest mappings, for a monitor resync; a range KVM cannot map has none (rule 28a). */
    public List<Mapping> mappings() {
        List<Mapping> out = new ArrayList<>();
        guestMaps.forEach((b, m) -> {
            if (!(m.pfn() instanceof PfnMap.Answer.Faults)) {
                out.add(new Mapping(b, Who.GUEST, m.type(), true));
            }
        });
        return out;
    }
}
