package org.memtypelab.core.memslot;

import java.util.BitSet;

/** KVM's answer to {@code KVM_GET_DIRTY_LOG} or {@code KVM_CLEAR_DIRTY_LOG} (DOMAIN 3.5, rule 26). */
public sealed interface DirtyLogResult permits DirtyLogResult.Log, DirtyLogResult.Cleared, DirtyLogResult.Failed {

    /**
     * GET succeeded: a copy of the slot's bitmap, bit {@code i} = page {@code gpa + i * 4096} was written.
     *
     * @param dirty the copy; the caller may keep or modify it
     * @param npages the slot's page count (the bitmap's logical length)
     * @param cleared true when KVM also cleared and write-protected the pages (no manual protect)
     */
    record Log(BitSet dirty, long npages, boolean cleared) implements DirtyLogResult {}

    /**
     * CLEAR succeeded.
     *
     * @param pagesCleared pages that were dirty and are now clean and write-protected again
     */
    record Cleared(long pagesCleared) implements DirtyLogResult {}

    /** The ioctl failed; nothing changed. */
    record Failed(Errno errno, String reason) implements DirtyLogResult {}
}
