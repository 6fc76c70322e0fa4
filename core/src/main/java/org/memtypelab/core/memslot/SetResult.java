package org.memtypelab.core.memslot;

import java.util.Optional;

/** KVM's answer to one {@code KVM_SET_USER_MEMORY_REGION(2)}: the change it made, or an errno (DOMAIN 3.2). */
public sealed interface SetResult permits SetResult.Applied, SetResult.Failed {

    /** The {@code enum kvm_mr_change} KVM derived from the request (DOMAIN 3.2 steps 6-8). */
    enum Change {
        /** {@code KVM_MR_CREATE}: no slot had this (as_id, id). */
        CREATE,
        /** {@code KVM_MR_DELETE}: size 0 on an existing slot (rule 22). */
        DELETE,
        /** {@code KVM_MR_MOVE}: only the gpa changed, possibly with LOG_DIRTY_PAGES (rule 23). */
        MOVE,
        /** {@code KVM_MR_FLAGS_ONLY}: only LOG_DIRTY_PAGES changed (rule 23). */
        FLAGS_ONLY,
        /** Identical to the installed slot: the ioctl returns 0 without doing anything (rule 23). */
        NO_OP
    }

    /** What KVM does to the slot's SPTEs because dirty logging was toggled (DOMAIN 3.5, rule 25). */
    enum DirtyLogEffect {
        /** Dirty logging did not change, or there are no SPTEs to touch (CREATE, MOVE, DELETE, read-only slot). */
        NONE("no SPTE change for dirty logging"),
        /** LOG_DIRTY_PAGES turned on: write-protect. */
        WRITE_PROTECT("DOMAIN rule 25: logging on write-protects the slot at 4K (D-bit tracking with PML), new faults"
                + " map 4K only, huge pages may be split eagerly; the slot's memtype is unchanged"),
        /** LOG_DIRTY_PAGES turned off: collapse. */
        ZAP_COLLAPSIBLE_SPTES("DOMAIN rule 25: logging off zaps collapsible SPTEs so huge pages can be rebuilt;"
                + " the slot's memtype is unchanged until SPTEs are rebuilt (rule 18)");

        private final String description;

        DirtyLogEffect(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * The ioctl returned 0.
     *
     * @param change what KVM did
     * @param before the slot before the call; empty for CREATE
     * @param after the slot after the call; empty for DELETE; equal to {@code before} for NO_OP
     * @param dirtyLog the SPTE side effect of toggling LOG_DIRTY_PAGES (rule 25)
     * @param because why, citing DOMAIN rules
     */
    record Applied(
            Change change, Optional<Memslot> before, Optional<Memslot> after, DirtyLogEffect dirtyLog, String because)
            implements SetResult {

        /** RFC 3/3: +1 when a KVM_MEM_DMA slot is created, -1 when one is deleted (DOMAIN 4.1, rule 16). */
        public int noncoherentDmaDelta() {
            if (change == Change.CREATE && after.orElseThrow().has(MemslotFlag.KVM_MEM_DMA)) {
                return 1;
            }
            if (change == Change.DELETE && before.orElseThrow().has(MemslotFlag.KVM_MEM_DMA)) {
                return -1;
            }
            return 0;
        }
    }

    /**
     * The ioctl failed; the table is unchanged.
     *
     * @param errno the errno the ioctl returns (negated)
     * @param reason a sentence citing the DOMAIN rule, e.g. {@code "DOMAIN rule 24: ... overlaps slot 3"}
     */
    record Failed(Errno errno, String reason) implements SetResult {}

    default boolean succeeded() {
        return this instanceof Applied;
    }

    /** The ioctl's return value as a scenario records it: {@code 0} or the errno name. */
    default String answer() {
        return this instanceof Failed f ? f.errno().name() : "0";
    }
}
