package org.memtypelab.core.gpu;

/** What backs a buffer's pages: system RAM with struct pages, or device memory behind a BAR (DOMAIN rule 8). */
public enum Backing {
    /** System RAM: {@code kvm_is_mmio_pfn()} is false (rule 8). */
    RAM,
    /** A PCI BAR behind a PFNMAP VMA: no struct page, not E820 RAM, so KVM treats it as MMIO (rule 8). */
    MMIO
}
