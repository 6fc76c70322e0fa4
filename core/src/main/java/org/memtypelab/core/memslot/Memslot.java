package org.memtypelab.core.memslot;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One installed KVM memslot: guest range {@code [gpa, gpa + size)} backed by host virtual address {@code hva}.
 *
 * @param asId address space (0 normal, 1 SMM on x86)
 * @param id slot id within the address space, {@code 0..KVM_USER_MEM_SLOTS-1}
 * @param gpa guest physical start address, page aligned, unsigned
 * @param size length in bytes, a non-zero multiple of the page size
 * @param hva host (userspace) virtual address of the first byte, page aligned
 * @param flags the flags, already decoded for the kernel the slot was created on
 */
public record Memslot(int asId, int id, long gpa, long size, long hva, Set<MemslotFlag> flags) {

    public Memslot {
        flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
    }

    /** The ioctl's {@code slot} field: {@code as_id << 16 | id}. */
    public int slot() {
        return SetRequest.slot(asId, id);
    }

    /** Number of 4 KiB pages; at most {@link MemslotRules#MAX_NR_PAGES}. */
    public long npages() {
        return size >>> MemslotRules.PAGE_SHIFT;
    }

    /** First guest physical address after the slot (exclusive, unsigned; never wraps - DOMAIN 3.2 step 5). */
    public long endGpa() {
        return gpa + size;
    }

    /** True when the unsigned gpa lies inside the slot. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address, gpa) >= 0 && Long.compareUnsigned(address, endGpa()) < 0;
    }

    /** True when the two slots share at least one guest page (ignores the address space). */
    public boolean overlaps(Memslot other) {
        return Long.compareUnsigned(gpa, other.endGpa()) < 0 && Long.compareUnsigned(other.gpa, endGpa()) < 0;
    }

    public boolean has(MemslotFlag flag) {
        return flags.contains(flag);
    }

    /** The raw flag bits as the ioctl carried them. */
    public int flagBits() {
        return MemslotFlag.encode(flags);
    }

    @Override
    public String toString() {
        return "slot " + asId + ":" + id + " gpa " + MemslotFlag.hex(gpa) + "+" + MemslotFlag.hex(size) + " hva "
                + MemslotFlag.hex(hva) + " "
                + flags.stream().map(MemslotFlag::yamlName).collect(Collectors.joining(", ", "[", "]"));
    }
}
