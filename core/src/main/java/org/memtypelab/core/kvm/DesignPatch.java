package org.memtypelab.core.kvm;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** A design option from the 2020 thread and later proposals, applied to a kernel as a version suffix (DOMAIN 9). */
public enum DesignPatch {
    /** Option 1: Chia-I's RFC, a KVM_MEM_DMA slot flag that makes the whole VM non-coherent (DOMAIN 4.1). */
    KVM_MEM_DMA("kvm-mem-dma"),
    /** Option 2: honor guest PAT unless the page is MMIO (Chia-I's fallback). */
    HONOR_GUEST_PAT("honor-guest-pat"),
    /** Option 3: KVM takes the host memory type behind the hva (Kevin Tian). */
    INSPECT_HVA("inspect-hva"),
    /** Option 4: a per-slot forced memory type, EPT(type, IPAT=1) (Kevin Tian; Yan Zhao 2023). */
    SLOT_MEMTYPE("slot-memtype"),
    /** Option 6: KVM_MEM_DMA and dirty logging exclusive: forced WB and zapped while migrating (Sean, 21 Feb 2020). */
    DMA_EXCLUDES_DIRTY_LOG("dma-excludes-dirty-log");

    private final String suffix;

    DesignPatch(String suffix) {
        this.suffix = suffix;
    }

    /** The name after {@code +} in a kernel version. */
    public String suffix() {
        return suffix;
    }

    public static Optional<DesignPatch> parse(String suffix) {
        return Arrays.stream(values())
                .filter(p -> p.suffix.equalsIgnoreCase(suffix))
                .findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(DesignPatch::suffix).collect(Collectors.joining(", "));
    }
}
