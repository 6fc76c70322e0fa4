package org.memtypelab.core.gpu;

import org.memtypelab.core.Labelled;

/** What backs a buffer's pages: system RAM with struct pages, or device memory behind a BAR (DOMAIN rule 8). */
public enum Backing implements Labelled {
    /** System RAM with ordinary refcounted pages (i915 shmem, udmabuf): {@code kvm_is_mmio_pfn()} is false (rule 8). */
    RAM,
    /**
     * System RAM that the exporter maps through a VM_PFNMAP VMA from non-compound higher-order blocks: the head page
     * is refcounted, the tail pages have refcount 0 (amdgpu/TTM GTT buffers; DOMAIN 2.1, rule 28a). Not MMIO.
     */
    PFNMAP_RAM,
    /** A PCI BAR behind a PFNMAP VMA: no struct page, not E820 RAM, so KVM treats it as MMIO (rule 8). */
    MMIO
}
