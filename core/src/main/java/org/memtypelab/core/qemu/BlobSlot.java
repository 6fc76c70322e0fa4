package org.memtypelab.core.qemu;

import java.util.Optional;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.memtype.MemType;

/**
 * A mapped blob as QEMU hands it to KVM: the memslot fields plus what KVM's memtype choice needs to know about the
 * memory behind the hva (DOMAIN 5.2, rule 28).
 *
 * @param qemuType the type of QEMU's own mapping behind the hva (renderer pointer, dma-buf mmap or vkMapMemory)
 * @param guestDefaultPat the guest's type when it follows map_info (rules 30, 31)
 * @param slotMemtype the per-slot type asked for with {@code +slot-memtype}
 * @param guestRam a 2D udmabuf blob: guest RAM QEMU already migrates, not a hostmem subregion (rule 32)
 * @param exporterType the type the dma-buf's exporter gives its mmap (rule 34); what DOMAIN 9 option 5's
 *     {@code +dmabuf-slot-exporter-type} supposes the exporter would publish
 */
public record BlobSlot(
        String buffer,
        int slot,
        long gpa,
        long size,
        long hva,
        int flags,
        Optional<MemType> slotMemtype,
        MemType qemuType,
        Backing backing,
        MemType guestDefaultPat,
        boolean guestRam,
        MemType exporterType) {}
