package org.memtypelab.core.kvm;

import java.util.Optional;
import org.memtypelab.core.memtype.MemType;

/**
 * What KVM and the hardware know about one guest page when its SPTE is built: the pfn kind, the guest's PAT, MTRR
 * and CR0.CD, the VM-wide non-coherent DMA state, and the memslot it lies in.
 *
 * @param mmio {@code kvm_is_mmio_pfn()} (rule 8): a VRAM BAR behind a PFNMAP VMA, not RAM
 * @param slot what the page's memslot and the memory behind its hva say
 */
public record GuestPage(
        boolean mmio, MemType guestPat, MemType guestMtrr, boolean guestCr0Cd, boolean noncoherentDma, Slot slot) {

    /**
     * The page's memslot.
     *
     * @param hostMapping the memory type of the host mapping behind the slot's hva (QEMU's mapping, DOMAIN 9 option 3)
     * @param kvmMemDma the slot carries the unmerged KVM_MEM_DMA flag (DOMAIN 4.1)
     * @param dirtyLogging the slot has KVM_MEM_LOG_DIRTY_PAGES
     * @param memtype a per-slot forced type (+slot-memtype, DOMAIN 9 option 4)
     * @param dmabufBlob the page belongs to a blob exported as a dma-buf, so option 5 would make its slot from the fd
     * @param exporterType the type the dma-buf's exporter gives its mmap (rule 34), which option 5's second reading
     *     supposes the exporter would publish
     */
    public record Slot(
            MemType hostMapping,
            boolean kvmMemDma,
            boolean dirtyLogging,
            Optional<MemType> memtype,
            boolean dmabufBlob,
            MemType exporterType) {

        /** A plain RAM slot that QEMU maps WB: the {@code explain} default. */
        public static final Slot PLAIN = new Slot(MemType.WB, false, false, Optional.empty(), false, MemType.WB);

        /** This slot made from a dma-buf whose exporter maps it {@code exporter} (DOMAIN 9 option 5). */
        public Slot withDmabuf(MemType exporter) {
            return new Slot(hostMapping, kvmMemDma, dirtyLogging, memtype, true, exporter);
        }
    }

    public GuestPage {
        // DOMAIN rule 16 / 4.1: a KVM_MEM_DMA slot registers non-coherent DMA for the whole VM, so a page in such a
        // slot always sees a non-coherent VM, whoever builds the page (a run's KvmModel or `explain`).
        noncoherentDma = noncoherentDma || slot.kvmMemDma();
    }

    /** An ordinary RAM page the guest maps with {@code guestPat}, with the {@code explain} defaults otherwise. */
    public static GuestPage ram(MemType guestPat) {
        return new GuestPage(false, guestPat, MemType.WB, false, false, Slot.PLAIN);
    }

    public MemType hostMapping() {
        return slot.hostMapping();
    }

    public boolean slotKvmMemDma() {
        return slot.kvmMemDma();
    }

    public boolean slotDirtyLogging() {
        return slot.dirtyLogging();
    }

    public Optional<MemType> slotMemtype() {
        return slot.memtype();
    }

    public boolean dmabufBlob() {
        return slot.dmabufBlob();
    }

    public MemType exporterType() {
        return slot.exporterType();
    }

    public GuestPage withMmio(boolean v) {
        return new GuestPage(v, guestPat, guestMtrr, guestCr0Cd, noncoherentDma, slot);
    }

    public GuestPage withNoncoherentDma(boolean v) {
        return new GuestPage(mmio, guestPat, guestMtrr, guestCr0Cd, v, slot);
    }

    public GuestPage withGuestMtrr(MemType v) {
        return new GuestPage(mmio, guestPat, v, guestCr0Cd, noncoherentDma, slot);
    }

    public GuestPage withGuestCr0Cd(boolean v) {
        return new GuestPage(mmio, guestPat, guestMtrr, v, noncoherentDma, slot);
    }

    public GuestPage withSlot(MemType hostMap, boolean kvmMemDma, boolean dirtyLogging, Optional<MemType> memtype) {
        return new GuestPage(
                mmio,
                guestPat,
                guestMtrr,
                guestCr0Cd,
                noncoherentDma,
                new Slot(hostMap, kvmMemDma, dirtyLogging, memtype, slot.dmabufBlob(), slot.exporterType()));
    }

    /** The page belongs to a dma-buf blob whose exporter maps it {@code exporter} (DOMAIN 9 option 5). */
    public GuestPage withDmabuf(MemType exporter) {
        return new GuestPage(mmio, guestPat, guestMtrr, guestCr0Cd, noncoherentDma, slot.withDmabuf(exporter));
    }
}
