package org.memtypelab.core.kvm;

import java.util.Optional;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** A design option from the 2020 thread and later proposals, applied to a kernel as a version suffix (DOMAIN 9). */
public enum DesignPatch implements Labelled {
    /** Option 1: Chia-I's RFC, a KVM_MEM_DMA slot flag that makes the whole VM non-coherent (DOMAIN 4.1). */
    KVM_MEM_DMA,
    /** Option 2: honor guest PAT unless the page is MMIO (Chia-I's fallback). */
    HONOR_GUEST_PAT,
    /** Option 3: KVM takes the host memory type behind the hva (Kevin Tian). */
    INSPECT_HVA,
    /** Option 4: a per-slot forced memory type, EPT(type, IPAT=1) (Kevin Tian; Yan Zhao 2023). */
    SLOT_MEMTYPE,
    /** Option 6: KVM_MEM_DMA and dirty logging exclusive: forced WB and zapped while migrating (Sean, 21 Feb 2020). */
    DMA_EXCLUDES_DIRTY_LOG;

    /** The name after {@code +} in a kernel version: the label. */
    public String suffix() {
        return label();
    }

    public static Optional<DesignPatch> parse(String suffix) {
        return Labels.parse(DesignPatch.class, suffix);
    }

    public static String allowed() {
        return Labels.allowed(DesignPatch.class);
    }
}
