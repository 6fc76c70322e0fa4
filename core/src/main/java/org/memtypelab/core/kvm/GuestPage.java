package org.memtypelab.core.kvm;

import java.util.Optional;
import org.memtypelab.core.memtype.MemType;

/**
 * What KVM and the hardware know about one guest page when its SPTE is built: the pfn kind, the guest's PAT, MTRR
 * and CR0.CD, the VM-wide non-coherent DMA state, and the memslot it lies in.
 *
 * @param mmio {@code kvm_is_mmio_pfn()} (rule 8): a VRAM BAR behind a PFNMAP VMA, not RAM
 * @param hostMapping the memory type of the host mapping behind the slot's hva (QEMU's mapping, DOMAIN 9 option 3)
 * @param slotKvmMemDma the slot carries the unmerged KVM_MEM_DMA flag (DOMAIN 4.1)
 * @param slotDirtyLogging the slot has KVM_MEM_LOG_DIRTY_PAGES
 * @param slotMemtype a per-slot forced type (+slot-memtype, DOMAIN 9 option 4)
 * @param dmabufBlob the page belongs to a blob exported as a dma-buf, so option 5 would make its slot from the fd
 * @param exporterType the type the dma-buf's exporter gives its mmap (rule 34), which option 5's second reading
 *     supposes the exporter would publish
 */
public record GuestPage(
        boolean mmio,
        MemType guestPat,
        MemType guestMtrr,
        boolean guestCr0Cd,
        boolean noncoherentDma,
        MemType hostMapping,
        boolean slotKvmMemDma,
        boolean slotDirtyLogging,
        Optional<MemType> slotMemtype,
        boolean dmabufBlob,
        MemType exporterType) {

    public GuestPage {
        // DOMAIN rule 16 / 4.1: a KVM_MEM_DMA slot registers non-coherent DMA for the whole VM, so a page in such a
        // slot always sees a non-coherent VM, whoever builds the page (a run's KvmModel or `explain`).
        noncoherentDma = noncoherentDma || slotKvmMemDma;
    }

    /** An ordinary RAM page the guest maps with {@code guestPat}, with the {@code explain} defaults otherwise. */
    public static GuestPage ram(MemType guestPat) {
        return new GuestPage(
                false,
                guestPat,
                MemType.WB,
                false,
                false,
                MemType.WB,
                false,
                false,
                Optional.empty(),
                false,
                MemType.WB);
    }

    public GuestPage withMmio(boolean v) {
        return new GuestPage(
                v,
                guestPat,
                guestMtrr,
                guestCr0Cd,
                noncoherentDma,
                hostMapping,
                slotKvmMemDma,
                slotDirtyLogging,
                slotMemtype,
                dmabufBlob,
                exporterType);
    }

    public GuestPage withNoncoherentDma(boolean v) {
        return new GuestPage(
                mmio,
                guestPat,
                guestMtrr,
                guestCr0Cd,
                v,
                hostMapping,
                slotKvmMemDma,
                slotDirtyLogging,
                slotMemtype,
                dmabufBlob,
                exporterType);
    }

    public GuestPage withGuestMtrr(MemType v) {
        return new GuestPage(
                mmio,
                guestPat,
                v,
                guestCr0Cd,
                noncoherentDma,
                hostMapping,
                slotKvmMemDma,
                slotDirtyLogging,
                slotMemtype,
                dmabufBlob,
                exporterType);
    }

    public GuestPage withGuestCr0Cd(boolean v) {
        return new GuestPage(
                mmio,
                guestPat,
                guestMtrr,
                v,
                noncoherentDma,
                hostMapping,
                slotKvmMemDma,
                slotDirtyLogging,
                slotMemtype,
                dmabufBlob,
                exporterType);
    }

    public GuestPage withSlot(MemType hostMap, boolean kvmMemDma, boolean dirtyLogging, Optional<MemType> memtype) {
        return new GuestPage(
                mmio,
                guestPat,
                guestMtrr,
                guestCr0Cd,
                noncoherentDma,
                hostMap,
                kvmMemDma,
                dirtyLogging,
                memtype,
                dmabufBlob,
                exporterType);
    }

    /** The page belongs to a dma-buf blob whose exporter maps it {@code exporter} (DOMAIN 9 option 5). */
    public GuestPage withDmabuf(MemType exporter) {
        return new GuestPage(
                mmio,
                guestPat,
                guestMtrr,
                guestCr0Cd,
                noncoherentDma,
                hostMapping,
                slotKvmMemDma,
                slotDirtyLogging,
                slotMemtype,
                true,
                exporter);
    }
}
