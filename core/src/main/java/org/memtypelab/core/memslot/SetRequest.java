package org.memtypelab.core.memslot;

/**
 * The arguments of one {@code KVM_SET_USER_MEMORY_REGION(2)} call; every field is taken as the raw ABI value.
 *
 * @param slot u32 {@code as_id << 16 | id}
 * @param flags raw flag bits, unknown bits included (DOMAIN 3.1)
 * @param gpa {@code guest_phys_addr}, u64
 * @param size {@code memory_size}, u64; 0 deletes the slot (rule 22)
 * @param hva {@code userspace_addr}, u64
 * @param ioctl which ioctl carries the request
 * @param guestMemfdOffset {@code guest_memfd_offset} (v2 only), checked only with GUEST_MEMFD (DOMAIN 3.2 step 3)
 */
public record SetRequest(int slot, int flags, long gpa, long size, long hva, Ioctl ioctl, long guestMemfdOffset) {

    /** The two ioctls that set a memslot (DOMAIN 3.1). */
    public enum Ioctl {
        /** {@code KVM_SET_USER_MEMORY_REGION}, struct kvm_userspace_memory_region. */
        V1,
        /** {@code KVM_SET_USER_MEMORY_REGION2}, adds guest_memfd fields (KVM_CAP_USER_MEMORY2, v6.8). */
        V2
    }

    public SetRequest {
        if (ioctl == null) {
            throw new IllegalArgumentException("ioctl is required");
        }
    }

    /** A request without guest_memfd offset, the six fields both ioctls share. */
    public SetRequest(int slot, int flags, long gpa, long size, long hva, Ioctl ioctl) {
        this(slot, flags, gpa, size, hva, ioctl, 0);
    }

    /** A request naming address space and id separately. */
    public static SetRequest of(int asId, int id, int flags, long gpa, long size, long hva, Ioctl ioctl) {
        return new SetRequest(slot(asId, id), flags, gpa, size, hva, ioctl);
    }

    /** A v1 delete request: {@code memory_size == 0} (rule 22). */
    public static SetRequest delete(int asId, int id) {
        return of(asId, id, 0, 0, 0, 0, Ioctl.V1);
    }

    /** Packs the u32 slot field; only the low 16 bits of each part are kept. */
    public static int slot(int asId, int id) {
        return (asId & 0xFFFF) << 16 | (id & 0xFFFF);
    }

    /** {@code slot >> 16}. */
    public int asId() {
        return slot >>> 16;
    }

    /** {@code (u16) slot}. */
    public int id() {
        return slot & 0xFFFF;
    }

    public SetRequest withFlags(int newFlags) {
        return new SetRequest(slot, newFlags, gpa, size, hva, ioctl, guestMemfdOffset);
    }

    public SetRequest withGpa(long newGpa) {
        return new SetRequest(slot, flags, newGpa, size, hva, ioctl, guestMemfdOffset);
    }

    public SetRequest withIoctl(Ioctl newIoctl) {
        return new SetRequest(slot, flags, gpa, size, hva, newIoctl, guestMemfdOffset);
    }
}
