package org.memtypelab.core.memslot;

/** How the VM collects dirty pages: per-slot bitmaps, the per-vCPU dirty ring, or both (DOMAIN 3.5). */
public enum DirtyTracking {
    /** Classic per-slot dirty bitmaps read with KVM_GET_DIRTY_LOG. */
    BITMAP,
    /** {@code KVM_CAP_DIRTY_LOG_RING} alone: no bitmaps, so KVM_GET/CLEAR_DIRTY_LOG return ENXIO. */
    RING,
    /** Dirty ring plus {@code KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP}: bitmaps exist as well. */
    RING_WITH_BITMAP;

    /** {@code kvm_use_dirty_bitmap()}: whether LOG_DIRTY_PAGES slots get a bitmap. */
    public boolean usesBitmap() {
        return this != RING;
    }
}
