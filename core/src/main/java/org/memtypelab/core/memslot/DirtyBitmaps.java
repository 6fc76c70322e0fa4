package org.memtypelab.core.memslot;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/** The per-slot dirty bitmaps of one VM, allocated only while LOG_DIRTY_PAGES is on (DOMAIN 3.5, rules 25-26). */
final class DirtyBitmaps {

    /** Keyed by the u32 slot; a BitSet grows only up to the highest dirty page, so idle slots cost nothing. */
    private final Map<Integer, BitSet> bitmaps = new HashMap<>();

    /** Follows kvm_prepare_memory_region(): keep the old bitmap while logging stays on, else allocate or drop. */
    void apply(SetResult.Applied applied, DirtyTracking tracking) {
        applied.before().ifPresent(b -> {
            if (applied.after().isEmpty() || !applied.after().get().has(MemslotFlag.LOG_DIRTY_PAGES)) {
                bitmaps.remove(b.slot());
            }
        });
        applied.after().ifPresent(a -> {
            if (a.has(MemslotFlag.LOG_DIRTY_PAGES) && tracking.usesBitmap()) {
                bitmaps.computeIfAbsent(a.slot(), k -> new BitSet());
            }
        });
    }

    boolean has(Memslot slot) {
        return bitmaps.containsKey(slot.slot());
    }

    /** Records a guest write; read-only slots are never dirtied (writes exit as MMIO). */
    boolean mark(Memslot slot, long gpa) {
        BitSet bits = bitmaps.get(slot.slot());
        if (bits == null || slot.has(MemslotFlag.READONLY)) {
            return false;
        }
        bits.set(Math.toIntExact((gpa - slot.gpa()) >>> MemslotRules.PAGE_SHIFT));
        return true;
    }

    /** KVM_GET_DIRTY_LOG on a slot known to have a bitmap. */
    DirtyLogResult get(Memslot slot, boolean manualProtect) {
        BitSet bits = bitmaps.get(slot.slot());
        BitSet copy = (BitSet) bits.clone();
        if (!manualProtect) {
            bits.clear(); // DOMAIN 3.5: without manual protect GET also clears and write-protects
        }
        return new DirtyLogResult.Log(copy, slot.npages(), !manualProtect);
    }

    /** KVM_CLEAR_DIRTY_LOG after the range checks: clears page {@code first + i} per set bit i of mask (null: all). */
    DirtyLogResult clear(Memslot slot, long first, long num, BitSet mask) {
        BitSet bits = bitmaps.get(slot.slot());
        int from = Math.toIntExact(first);
        int to = Math.toIntExact(first + num);
        if (mask == null) {
            long cleared = bits.get(from, to).cardinality();
            bits.clear(from, to);
            return new DirtyLogResult.Cleared(cleared);
        }
        BitSet window = bits.get(from, to);
        window.and(mask.get(0, to - from));
        long cleared = window.cardinality();
        for (int i = window.nextSetBit(0); i >= 0; i = window.nextSetBit(i + 1)) {
            bits.clear(from + i);
        }
        return new DirtyLogResult.Cleared(cleared);
    }
}
