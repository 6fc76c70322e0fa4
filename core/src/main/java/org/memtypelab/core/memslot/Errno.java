package org.memtypelab.core.memslot;

/** A Linux errno that a memslot or dirty-log ioctl returns to userspace (DOMAIN 3.2, 3.5). */
public enum Errno {
    /** No such file or directory: dirty-log ioctl on a slot without a dirty bitmap (DOMAIN 3.5). */
    ENOENT(2),
    /** No such device or address: dirty-log bitmap ioctl while the dirty ring is exclusive (DOMAIN 3.5). */
    ENXIO(6),
    /** Bad address: KVM_RUN when KVM cannot map the guest's page, e.g. refcount-0 PFNMAP pages (DOMAIN rule 28a). */
    EFAULT(14),
    /** File exists: a new or moved slot overlaps another slot (DOMAIN rule 24). */
    EEXIST(17),
    /** Invalid argument: every other memslot validation failure (DOMAIN rules 19-23, 26). */
    EINVAL(22),
    /** Inappropriate ioctl: KVM_SET_USER_MEMORY_REGION2 on a kernel without KVM_CAP_USER_MEMORY2 (DOMAIN 3.1). */
    ENOTTY(25);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The positive errno value; the ioctl itself returns {@code -number()}. */
    public int number() {
        return number;
    }
}
