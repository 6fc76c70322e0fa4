package org.memtypelab.core.memslot;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.memtypelab.core.kvm.DesignPatch;
import org.memtypelab.core.kvm.KvmVersion;

/**
 * The memslot ABI limits and flag set of one x86 kernel (DOMAIN 3.1-3.3, rules 19-21).
 *
 * @param maxUserSlots {@code KVM_USER_MEM_SLOTS}: valid slot ids are {@code 0..maxUserSlots-1} (rule 21)
 * @param addressSpaces {@code kvm_arch_nr_memslot_as_ids()}: 2 on x86 (normal, SMM)
 * @param v2Ioctl {@code KVM_SET_USER_MEMORY_REGION2} / {@code KVM_CAP_USER_MEMORY2} exists (v6.8)
 * @param guestMemfd bit 2 means {@code KVM_MEM_GUEST_MEMFD} and is accepted by the v2 ioctl
 * @param kvmMemDma bit 2 means Chia-I's {@code KVM_MEM_DMA} (design patch, DOMAIN 4.1)
 * @param dmaExcludesDirtyLog design option 6 (DOMAIN 9, Sean's wording): dirty logging a KVM_MEM_DMA slot is
 *     accepted and the slot stays; KVM forces it WB while logging (EptPolicy, ZapPolicy), no EINVAL
 */
public record MemslotRules(
        int maxUserSlots,
        int addressSpaces,
        boolean v2Ioctl,
        boolean guestMemfd,
        boolean kvmMemDma,
        boolean dmaExcludesDirtyLog) {

    /** x86 PAGE_SIZE; sizes, gpas and hvas must be multiples of it (rule 20). */
    public static final long PAGE_SIZE = 4096;

    public static final int PAGE_SHIFT = 12;

    /** x86 {@code KVM_USER_MEM_SLOTS} before v5.12 (rule 21). */
    public static final int USER_MEM_SLOTS_BEFORE_5_12 = 509;

    /** x86 {@code KVM_USER_MEM_SLOTS} from v5.12 on: {@code SHRT_MAX} minus 3 internal slots (rule 21). */
    public static final int USER_MEM_SLOTS_FROM_5_12 = 32764;

    /** {@code KVM_MEM_MAX_NR_PAGES}, {@code (1UL << 31) - 1}: most pages in one slot (DOMAIN 3.2 step 5). */
    public static final long MAX_NR_PAGES = (1L << 31) - 1;

    /**
     * Stand-in for {@code access_ok()}: x86-64 {@code TASK_SIZE_MAX} with 4-level paging,
     * {@code (1 << 47) - PAGE_SIZE}; an hva range must end at or below it (rule 20).
     */
    public static final long USER_ADDRESS_END = (1L << 47) - PAGE_SIZE;

    public MemslotRules {
        if (maxUserSlots < 1 || maxUserSlots > 0x10000 || addressSpaces < 1 || addressSpaces > 0x10000) {
            throw new IllegalArgumentException(
                    "slot limits out of the u16 range: " + maxUserSlots + ", " + addressSpaces);
        }
        if (kvmMemDma && guestMemfd) {
            throw new IllegalArgumentException("KVM_MEM_DMA and GUEST_MEMFD share bit 2 (DOMAIN 3.1)");
        }
        if (dmaExcludesDirtyLog && !kvmMemDma) {
            throw new IllegalArgumentException("dma-excludes-dirty-log is defined on top of KVM_MEM_DMA");
        }
    }

    /** The rules of a kernel version and its design patches. */
    public static MemslotRules forKernel(KvmVersion v) {
        // DOMAIN 9 option 6 is defined on top of the KVM_MEM_DMA flag, so it implies the flag here too
        // (KvmVersion.of(int, int, ...) does not add it the way KvmVersion.parse does).
        boolean excludes = v.has(DesignPatch.DMA_EXCLUDES_DIRTY_LOG);
        // bit 2 is the kvm-mem-dma flag on every kernel whose design options use it, VM-wide or per slot
        boolean dma = excludes || DesignPatch.slotFlag(v.patches());
        boolean v2 = v.atLeast(6, 8);
        return new MemslotRules(
                v.atLeast(5, 12) ? USER_MEM_SLOTS_FROM_5_12 : USER_MEM_SLOTS_BEFORE_5_12,
                2, // DOMAIN 3.1: KVM_ADDRESS_SPACE_NUM 2 on x86 (normal, SMM)
                v2,
                v2 && !dma, // DOMAIN 3.1: the RFC's bit 2 was later given to GUEST_MEMFD; a kernel has one of them
                dma,
                excludes);
    }

    /** The flags this kernel knows at all, through some ioctl. */
    public Set<MemslotFlag> availableFlags() {
        Set<MemslotFlag> flags = EnumSet.of(MemslotFlag.LOG_DIRTY_PAGES, MemslotFlag.READONLY);
        if (guestMemfd) {
            flags.add(MemslotFlag.GUEST_MEMFD);
        }
        if (kvmMemDma) {
            flags.add(MemslotFlag.KVM_MEM_DMA);
        }
        return Collections.unmodifiableSet(flags);
    }

    /**
     * {@code KVM_SET_USER_MEMORY_REGION_V1_FLAGS}: LOG_DIRTY_PAGES | READONLY (DOMAIN 3.2 step 10). KVM_MEM_DMA is
     * added on a patched kernel because the RFC (v5.6) predates the v2 ioctl and targeted the v1 ioctl.
     */
    public int v1FlagMask() {
        int mask = MemslotFlag.LOG_DIRTY_PAGES.bit() | MemslotFlag.READONLY.bit();
        return kvmMemDma ? mask | MemslotFlag.KVM_MEM_DMA.bit() : mask;
    }
}
