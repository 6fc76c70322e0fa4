package org.memtypelab.core.kvm;

import java.util.Optional;
import java.util.Set;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** A design option from the 2020 thread and later proposals, applied to a kernel as a version suffix (DOMAIN 9). */
public enum DesignPatch implements Labelled {
    /** Option 1: Chia-I's RFC, a KVM_MEM_DMA slot flag that makes the whole VM non-coherent (DOMAIN 4.1). */
    KVM_MEM_DMA,
    /** Option 1b: Paolo's proposal, EPT UC becomes WC for pages that are not MMIO (rejected by Sean; DOMAIN 9). */
    UC_TO_WC,
    /** Option 2: honor guest PAT unless the page is MMIO (Chia-I's fallback). */
    HONOR_GUEST_PAT,
    /**
     * Option 3 as Kevin Tian proposed it: a host UC or WC mapping behind the hva only triggers the non-coherent-DMA
     * path for that page, which honours the guest's type (DOMAIN 9 row 3).
     */
    INSPECT_HVA,
    /** Option 3 as Chia-I put it: the guest gets the host mapping's type behind the hva, forced with IPAT. */
    FORCE_HOST_TYPE,
    /** Option 4: a per-slot forced memory type, EPT(type, IPAT=1) (Kevin Tian; Yan Zhao 2023). */
    SLOT_MEMTYPE,
    /** Option 5, first reading: a memslot made from the dma-buf fd honours the guest's type (EPT WB without IPAT). */
    DMABUF_SLOT_GUEST_TYPE,
    /** Option 5, second reading: a memslot made from the dma-buf fd takes a type the exporter publishes. */
    DMABUF_SLOT_EXPORTER_TYPE,
    /**
     * Option 6 (Sean, 21 Feb 2020): on a KVM_MEM_DMA slot, dirty logging makes KVM force WB and zap; the slot stays,
     * and the guest's type comes back when logging stops.
     */
    DMA_EXCLUDES_DIRTY_LOG,
    /**
     * A per-slot non-coherent-DMA flag: only the flagged slot's pages take the non-coherent path (the RFC's stated
     * intent; Yan Zhao's 2024 KVM_MEM_NON_COHERENT_DMA). Uses the {@code kvm-mem-dma} slot flag.
     */
    SLOT_NONCOHERENT;

    /** The name after {@code +} in a kernel version: the label. */
    public String suffix() {
        return label();
    }

    /** Whether the {@code kvm-mem-dma} slot flag (bit 2) exists on a kernel with these patches. */
    public static boolean slotFlag(Set<DesignPatch> patches) {
        return patches.contains(KVM_MEM_DMA) || patches.contains(SLOT_NONCOHERENT);
    }

    /**
     * Why a set of options cannot be applied together, or null when it can: two readings of one option decide the
     * same thing differently, and a VM-wide flag cannot also be per-slot.
     */
    static String clash(Set<DesignPatch> patches) {
        if (patches.contains(INSPECT_HVA) && patches.contains(FORCE_HOST_TYPE)) {
            return "+inspect-hva and +force-host-type are two readings of option 3; choose one";
        }
        if (patches.contains(DMABUF_SLOT_GUEST_TYPE) && patches.contains(DMABUF_SLOT_EXPORTER_TYPE)) {
            return "+dmabuf-slot-guest-type and +dmabuf-slot-exporter-type are two readings of option 5; choose one";
        }
        if (patches.contains(SLOT_NONCOHERENT) && patches.contains(KVM_MEM_DMA)) {
            return "+slot-noncoherent makes the kvm-mem-dma flag per-slot, +kvm-mem-dma (or +dma-excludes-dirty-log)"
                    + " makes it VM-wide; choose one";
        }
        return null;
    }

    public static Optional<DesignPatch> parse(String suffix) {
        return Labels.parse(DesignPatch.class, suffix);
    }

    public static String allowed() {
        return Labels.allowed(DesignPatch.class);
    }
}
