package org.memtypelab.core.memslot;

import static org.memtypelab.core.memslot.SetValidation.name;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.memtypelab.core.kvm.KvmVersion;

/**
 * The memslots of one VM with {@code KVM_SET_USER_MEMORY_REGION(2)} and dirty-log ioctl semantics (DOMAIN 3, rules
 * 19-26). Lookups by gpa are O(log n) per address space; no object exists per page.
 */
public final class MemslotTable {

    private final MemslotRules rules;
    private final DirtyTracking tracking;
    /** Per address space: slots by unsigned start gpa. Slots of one address space never overlap (rule 24). */
    private final List<TreeMap<Long, Memslot>> byGpa = new ArrayList<>();
    /** By the u32 slot field {@code as_id << 16 | id}. */
    private final Map<Integer, Memslot> bySlot = new HashMap<>();

    private final DirtyBitmaps dirty = new DirtyBitmaps();
    private long totalPages;

    public MemslotTable(MemslotRules rules, DirtyTracking tracking) {
        this.rules = rules;
        this.tracking = tracking;
        for (int as = 0; as < rules.addressSpaces(); as++) {
            byGpa.add(new TreeMap<>(Long::compareUnsigned));
        }
    }

    public MemslotTable(MemslotRules rules) {
        this(rules, DirtyTracking.BITMAP);
    }

    /** An empty table for a kernel version, with dirty bitmaps. */
    public static MemslotTable forKernel(KvmVersion kernel) {
        return new MemslotTable(MemslotRules.forKernel(kernel));
    }

    public MemslotRules rules() {
        return rules;
    }

    public DirtyTracking tracking() {
        return tracking;
    }

    /** One {@code KVM_SET_USER_MEMORY_REGION(2)} call; a Failed result leaves the table unchanged (DOMAIN 3.2). */
    public SetResult set(SetRequest request) {
        SetResult result = SetValidation.validate(this, request);
        if (result instanceof SetResult.Applied applied && applied.change() != SetResult.Change.NO_OP) {
            applied.before().ifPresent(this::remove);
            applied.after().ifPresent(this::insert);
            dirty.apply(applied, tracking);
        }
        return result;
    }

    /** The slot with this address space and id. */
    public Optional<Memslot> get(int asId, int id) {
        return Optional.ofNullable(bySlot.get(SetRequest.slot(asId, id)));
    }

    /** The slot of this address space whose range holds the (unsigned) gpa: KVM's gfn_to_memslot(). */
    public Optional<Memslot> slotAt(int asId, long gpa) {
        if (asId < 0 || asId >= byGpa.size()) {
            return Optional.empty();
        }
        Map.Entry<Long, Memslot> floor = byGpa.get(asId).floorEntry(gpa);
        return floor != null && floor.getValue().contains(gpa) ? Optional.of(floor.getValue()) : Optional.empty();
    }

    /** All slots, by address space and then by gpa. */
    public List<Memslot> slots() {
        List<Memslot> all = new ArrayList<>(bySlot.size());
        byGpa.forEach(tree -> all.addAll(tree.values()));
        return Collections.unmodifiableList(all);
    }

    public int count() {
        return bySlot.size();
    }

    /** {@code kvm->nr_memslot_pages}: pages over all slots of all address spaces. */
    public long totalPages() {
        return totalPages;
    }

    /** True when the slot exists and currently has a dirty bitmap (LOG_DIRTY_PAGES on, bitmap tracking). */
    public boolean hasDirtyBitmap(int asId, int id) {
        return get(asId, id).map(dirty::has).orElse(false);
    }

    /**
     * A guest write to {@code gpa}: sets the page's bit if the slot is logging into a bitmap (DOMAIN 3.5). Returns
     * whether a bit was recorded; writes outside any slot, to read-only slots or with logging off record nothing.
     */
    public boolean markDirty(int asId, long gpa) {
        return slotAt(asId, gpa).map(s -> dirty.mark(s, gpa)).orElse(false);
    }

    /**
     * {@code KVM_GET_DIRTY_LOG}: a copy of the slot's bitmap; without manual protect the bitmap is also cleared and
     * the pages write-protected (DOMAIN 3.5). ENXIO without bitmaps, EINVAL for a bad as_id/id, ENOENT when the slot
     * does not exist or is not logging.
     */
    public DirtyLogResult getDirtyLog(int asId, int id, boolean manualProtect) {
        DirtyLogResult.Failed failed = dirtyLogError(asId, id, "KVM_GET_DIRTY_LOG");
        return failed != null ? failed : dirty.get(bySlot.get(SetRequest.slot(asId, id)), manualProtect);
    }

    /** {@code KVM_CLEAR_DIRTY_LOG} with an all-ones bitmap: clears every page in the range (rule 26). */
    public DirtyLogResult clearDirtyLog(int asId, int id, long firstPage, long numPages) {
        return clear(asId, id, firstPage, numPages, null);
    }

    /**
     * {@code KVM_CLEAR_DIRTY_LOG}: clears and re-protects page {@code firstPage + i} for each set bit {@code i} of
     * {@code mask}; firstPage must be a multiple of 64 and numPages too unless it reaches the slot end (rule 26).
     */
    public DirtyLogResult clearDirtyLog(int asId, int id, long firstPage, long numPages, BitSet mask) {
        return clear(asId, id, firstPage, numPages, mask);
    }

    /** KVM_CLEAR_DIRTY_LOG; a null mask stands for all ones. */
    private DirtyLogResult clear(int asId, int id, long firstPage, long numPages, BitSet mask) {
        if (!tracking.usesBitmap()) {
            return noBitmaps("KVM_CLEAR_DIRTY_LOG");
        }
        if (badSlot(asId, id)) {
            return badSlotFailure(asId, id, "KVM_CLEAR_DIRTY_LOG");
        }
        // kernel order: first_page is checked before the slot is looked up, the rest after.
        if (firstPage % 64 != 0) {
            return new DirtyLogResult.Failed(
                    Errno.EINVAL, "DOMAIN rule 26: first_page " + firstPage + " is not a multiple of 64");
        }
        DirtyLogResult.Failed failed = dirtyLogError(asId, id, "KVM_CLEAR_DIRTY_LOG");
        if (failed != null) {
            return failed;
        }
        Memslot slot = bySlot.get(SetRequest.slot(asId, id));
        long npages = slot.npages();
        if (firstPage < 0 || firstPage > npages || numPages < 0 || numPages > npages - firstPage) {
            return new DirtyLogResult.Failed(
                    Errno.EINVAL,
                    "DOMAIN rule 26: pages " + firstPage + "+" + numPages + " lie outside " + name(asId, id) + " ("
                            + npages + " pages)");
        }
        if (numPages < npages - firstPage && numPages % 64 != 0) {
            return new DirtyLogResult.Failed(
                    Errno.EINVAL,
                    "DOMAIN rule 26: num_pages " + numPages
                            + " is not a multiple of 64 and does not reach the end of " + name(asId, id) + " (page "
                            + npages + ")");
        }
        return dirty.clear(slot, firstPage, numPages, mask);
    }

    /** Why a dirty-log ioctl fails, in kernel order ENXIO, EINVAL, ENOENT (DOMAIN 3.5); null when it may proceed. */
    private DirtyLogResult.Failed dirtyLogError(int asId, int id, String ioctl) {
        if (!tracking.usesBitmap()) {
            return noBitmaps(ioctl);
        }
        if (badSlot(asId, id)) {
            return badSlotFailure(asId, id, ioctl);
        }
        Optional<Memslot> slot = get(asId, id);
        if (slot.isEmpty()) {
            return new DirtyLogResult.Failed(
                    Errno.ENOENT, "DOMAIN 3.5: " + ioctl + " on " + name(asId, id) + ", which does not exist");
        }
        if (!dirty.has(slot.get())) {
            return new DirtyLogResult.Failed(
                    Errno.ENOENT,
                    "DOMAIN 3.5: " + ioctl + " on " + name(asId, id)
                            + ", which has no dirty bitmap (LOG_DIRTY_PAGES is off)");
        }
        return null;
    }

    private boolean badSlot(int asId, int id) {
        return asId < 0 || asId >= rules.addressSpaces() || id < 0 || id >= rules.maxUserSlots();
    }

    private DirtyLogResult.Failed badSlotFailure(int asId, int id, String ioctl) {
        return new DirtyLogResult.Failed(
                Errno.EINVAL,
                "DOMAIN rule 21 (3.5): " + ioctl + " with as_id " + asId
                        + " / id " + id + " outside " + rules.addressSpaces() + " address spaces / "
                        + rules.maxUserSlots()
                        + " slots");
    }

    private static DirtyLogResult.Failed noBitmaps(String ioctl) {
        return new DirtyLogResult.Failed(
                Errno.ENXIO,
                "DOMAIN 3.5: " + ioctl + " with the dirty ring enabled and no" + " KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP");
    }

    /** The slot of the same address space, other than {@code wanted} itself, that overlaps it (rule 24). */
    Optional<Memslot> firstOverlap(Memslot wanted) {
        // Slots are disjoint and sorted, so their ends rise with their starts: the last slot starting before
        // wanted's end is the only candidate, unless it is wanted's own old position (MOVE), then the one before it.
        TreeMap<Long, Memslot> tree = byGpa.get(wanted.asId());
        for (Memslot candidate :
                tree.headMap(wanted.endGpa(), false).descendingMap().values()) {
            if (candidate.id() == wanted.id()) {
                continue;
            }
            return candidate.overlaps(wanted) ? Optional.of(candidate) : Optional.empty();
        }
        return Optional.empty();
    }

    private void remove(Memslot slot) {
        byGpa.get(slot.asId()).remove(slot.gpa());
        bySlot.remove(slot.slot());
        totalPages -= slot.npages();
    }

    private void insert(Memslot slot) {
        byGpa.get(slot.asId()).put(slot.gpa(), slot);
        bySlot.put(slot.slot(), slot);
        totalPages += slot.npages();
    }
}
