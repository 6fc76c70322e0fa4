package org.memtypelab.core.memslot;

import static org.memtypelab.core.memslot.MemslotFlag.GUEST_MEMFD;
import static org.memtypelab.core.memslot.MemslotFlag.KVM_MEM_DMA;
import static org.memtypelab.core.memslot.MemslotFlag.LOG_DIRTY_PAGES;
import static org.memtypelab.core.memslot.MemslotFlag.READONLY;
import static org.memtypelab.core.memslot.MemslotFlag.hex;
import static org.memtypelab.core.memslot.MemslotRules.MAX_NR_PAGES;
import static org.memtypelab.core.memslot.MemslotRules.PAGE_SIZE;
import static org.memtypelab.core.memslot.MemslotRules.USER_ADDRESS_END;

import java.util.Optional;
import org.memtypelab.core.memslot.SetResult.Applied;
import org.memtypelab.core.memslot.SetResult.Change;
import org.memtypelab.core.memslot.SetResult.DirtyLogEffect;
import org.memtypelab.core.memslot.SetResult.Failed;

/** The checks of {@code kvm_vm_ioctl()} and {@code __kvm_set_memory_region()}, in kernel order (DOMAIN 3.2). */
final class SetValidation {

    private SetValidation() {}

    /** Returns the Applied result the table must carry out, or Failed; never changes the table. */
    static SetResult validate(MemslotTable table, SetRequest req) {
        MemslotRules rules = table.rules();
        int asId = req.asId();
        int id = req.id();
        String slot = name(asId, id);
        MemslotFlag.Decoded decoded = MemslotFlag.decode(req.flags(), rules);
        String flagText = MemslotFlag.describe(req.flags(), rules.kvmMemDma());

        // DOMAIN 3.2 step 10, the ioctl layer: kvm_vm_ioctl() and kvm_vm_ioctl_set_memory_region() run these
        // checks before calling __kvm_set_memory_region(), so they come first although DOMAIN lists them last.
        if (req.ioctl() == SetRequest.Ioctl.V2 && !rules.v2Ioctl()) {
            return fail(Errno.ENOTTY, "DOMAIN 3.1: KVM_SET_USER_MEMORY_REGION2 needs KVM_CAP_USER_MEMORY2 (v6.8)");
        }
        if (req.ioctl() == SetRequest.Ioctl.V1 && (req.flags() & ~rules.v1FlagMask()) != 0) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 19 (3.2 step 10): KVM_SET_USER_MEMORY_REGION accepts only "
                            + MemslotFlag.describe(rules.v1FlagMask(), rules.kvmMemDma()) + ", got " + flagText);
        }
        if (id >= rules.maxUserSlots()) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 21: slot id " + id + " is past this kernel's " + rules.maxUserSlots()
                            + " user memslots (KVM_USER_MEM_SLOTS, ids 0.." + (rules.maxUserSlots() - 1)
                            + "; x86 has 509 up to 5.11, 32764 from 5.12)");
        }

        // Step 1: check_memory_region_flags().
        String flagError = checkFlags(rules, decoded, flagText);
        if (flagError != null) {
            return fail(Errno.EINVAL, flagError);
        }

        // Step 2: alignment and access_ok(); a tagged hva has high bits set and fails the same range check.
        long size = req.size();
        if ((size & (PAGE_SIZE - 1)) != 0) {
            return fail(Errno.EINVAL, "DOMAIN rule 20: memory_size " + hex(size) + " is not a multiple of 4 KiB");
        }
        if ((req.gpa() & (PAGE_SIZE - 1)) != 0) {
            return fail(Errno.EINVAL, "DOMAIN rule 20: guest_phys_addr " + hex(req.gpa()) + " is not page aligned");
        }
        if ((req.hva() & (PAGE_SIZE - 1)) != 0) {
            return fail(Errno.EINVAL, "DOMAIN rule 20: userspace_addr " + hex(req.hva()) + " is not page aligned");
        }
        if (Long.compareUnsigned(size, USER_ADDRESS_END) > 0
                || Long.compareUnsigned(req.hva(), USER_ADDRESS_END - size) > 0) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 20: userspace_addr range " + hex(req.hva()) + "+" + hex(size)
                            + " fails access_ok(): it must end at or below " + hex(USER_ADDRESS_END)
                            + " (47-bit user address space)");
        }

        // Step 3: guest_memfd offset.
        if (decoded.flags().contains(GUEST_MEMFD)
                && ((req.guestMemfdOffset() & (PAGE_SIZE - 1)) != 0
                        || Long.compareUnsigned(req.guestMemfdOffset() + size, req.guestMemfdOffset()) < 0)) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN 3.2 step 3: guest_memfd_offset " + hex(req.guestMemfdOffset())
                            + " is not page aligned or offset + size overflows");
        }

        // Step 4: as_id. (id >= KVM_MEM_SLOTS_NUM cannot trigger: the ioctl layer already bounded id.)
        if (asId >= rules.addressSpaces()) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 21: as_id " + asId + " >= " + rules.addressSpaces()
                            + " address spaces on x86 (0 normal, 1 SMM)");
        }

        // Step 5: wrap and KVM_MEM_MAX_NR_PAGES.
        if (Long.compareUnsigned(req.gpa() + size, req.gpa()) < 0) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 20: guest_phys_addr " + hex(req.gpa()) + " + memory_size " + hex(size)
                            + " wraps past 2^64");
        }
        if ((size >>> MemslotRules.PAGE_SHIFT) > MAX_NR_PAGES) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN 3.2 step 5: " + (size >>> MemslotRules.PAGE_SHIFT) + " pages exceed KVM_MEM_MAX_NR_PAGES "
                            + MAX_NR_PAGES);
        }

        Optional<Memslot> old = table.get(asId, id);

        // Step 6: delete.
        if (size == 0) {
            if (old.isEmpty()) {
                return fail(Errno.EINVAL, "DOMAIN rule 22: memory_size 0 deletes, but " + slot + " does not exist");
            }
            String dma = old.get().has(KVM_MEM_DMA) ? "; RFC 3/3 unregisters its non-coherent DMA (DOMAIN 4.1)" : "";
            return new Applied(
                    Change.DELETE, old, Optional.empty(), DirtyLogEffect.NONE, "DOMAIN rule 22: deletes " + slot + dma);
        }

        Memslot wanted = new Memslot(asId, id, req.gpa(), size, req.hva(), decoded.flags());

        // Step 7: create. (The total-pages counter cannot overflow here: 2 x 32764 slots x (2^31 - 1) pages < 2^64.)
        if (old.isEmpty()) {
            String dma = wanted.has(KVM_MEM_DMA)
                    ? "; RFC 3/3 registers non-coherent DMA for the whole VM (DOMAIN 4.1, rule 16)"
                    : "";
            return checkOverlap(
                    table,
                    wanted,
                    new Applied(
                            Change.CREATE,
                            Optional.empty(),
                            Optional.of(wanted),
                            DirtyLogEffect.NONE,
                            "DOMAIN 3.2 step 7: creates " + wanted + dma));
        }

        // Step 8: modify an existing slot.
        Memslot before = old.get();
        if (before.has(GUEST_MEMFD) || wanted.has(GUEST_MEMFD)) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 23: " + slot + " is or would become a GUEST_MEMFD slot;"
                            + " guest_memfd slots cannot be modified, only deleted");
        }
        if (before.hva() != wanted.hva()) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 23: userspace_addr of " + slot + " cannot change (" + hex(before.hva()) + " -> "
                            + hex(wanted.hva()) + "); delete and re-create the slot");
        }
        if (before.npages() != wanted.npages()) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 23: the size of " + slot + " cannot change (" + before.npages() + " -> "
                            + wanted.npages() + " pages)");
        }
        if (before.has(READONLY) != wanted.has(READONLY)) {
            return fail(Errno.EINVAL, "DOMAIN rule 23: READONLY cannot be toggled on " + slot);
        }
        if (before.has(KVM_MEM_DMA) != wanted.has(KVM_MEM_DMA)) {
            return fail(
                    Errno.EINVAL,
                    "DOMAIN rule 23 with RFC 2/3 (DOMAIN 3.2, 4.1): KVM_MEM_DMA is fixed at"
                            + " creation and cannot be toggled on " + slot);
        }
        if (before.gpa() != wanted.gpa()) {
            return checkOverlap(
                    table,
                    wanted,
                    new Applied(
                            Change.MOVE,
                            old,
                            Optional.of(wanted),
                            DirtyLogEffect.NONE,
                            "DOMAIN rule 23: a new guest_phys_addr moves " + slot + " from " + hex(before.gpa())
                                    + " to " + hex(wanted.gpa()) + "; its old SPTEs are flushed"));
        }
        if (before.flagBits() != wanted.flagBits()) {
            return new Applied(
                    Change.FLAGS_ONLY,
                    old,
                    Optional.of(wanted),
                    dirtyLogEffect(wanted),
                    "DOMAIN rule 23: only LOG_DIRTY_PAGES changed on " + slot + " -> "
                            + (wanted.has(LOG_DIRTY_PAGES) ? "logging on" : "logging off"));
        }
        return new Applied(
                Change.NO_OP,
                old,
                old,
                DirtyLogEffect.NONE,
                "DOMAIN rule 23: identical to " + slot + ", nothing to do");
    }

    private static String checkFlags(MemslotRules rules, MemslotFlag.Decoded decoded, String flagText) {
        String accepted = rules.availableFlags().stream()
                .map(MemslotFlag::yamlName)
                .sorted()
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
        if (!decoded.complete()) {
            return "DOMAIN rule 19: unknown flag bits " + hex(decoded.unknownBits()) + " in " + flagText
                    + "; this kernel knows " + accepted;
        }
        if (decoded.flags().contains(GUEST_MEMFD)) {
            if (!rules.guestMemfd()) {
                return "DOMAIN rule 19: GUEST_MEMFD needs guest_memfd support (v6.8, KVM_CAP_USER_MEMORY2)";
            }
            if (decoded.flags().contains(LOG_DIRTY_PAGES)) {
                return "DOMAIN rule 19: LOG_DIRTY_PAGES | GUEST_MEMFD: private memory cannot be dirty-logged";
            }
            if (decoded.flags().contains(READONLY)) {
                return "DOMAIN rule 19 (3.2 step 1): READONLY is not valid together with GUEST_MEMFD";
            }
        }
        return null;
    }

    /** DOMAIN rule 24: CREATE and MOVE must not overlap another slot of the same address space. */
    private static SetResult checkOverlap(MemslotTable table, Memslot wanted, Applied plan) {
        return table.firstOverlap(wanted)
                .<SetResult>map(other -> fail(
                        Errno.EEXIST,
                        "DOMAIN rule 24: " + name(wanted.asId(), wanted.id())
                                + " " + range(wanted) + " overlaps slot " + other.id() + " " + range(other)
                                + " in address space " + wanted.asId()))
                .orElse(plan);
    }

    /** DOMAIN rule 25 as kvm_mmu_slot_apply_flags() does it: only FLAGS_ONLY on a writable slot touches SPTEs. */
    private static DirtyLogEffect dirtyLogEffect(Memslot after) {
        if (after.has(READONLY)) {
            return DirtyLogEffect.NONE; // a read-only slot is never dirtied, so there is nothing to protect or collapse
        }
        return after.has(LOG_DIRTY_PAGES) ? DirtyLogEffect.WRITE_PROTECT : DirtyLogEffect.ZAP_COLLAPSIBLE_SPTES;
    }

    private static Failed fail(Errno errno, String reason) {
        return new Failed(errno, reason);
    }

    static String name(int asId, int id) {
        return asId == 0 ? "slot " + id : "slot " + id + " of address space " + asId;
    }

    private static String range(Memslot s) {
        return "[" + hex(s.gpa()) + ", " + hex(s.endGpa()) + ")";
    }
}
