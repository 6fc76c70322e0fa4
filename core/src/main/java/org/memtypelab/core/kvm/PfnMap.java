package org.memtypelab.core.kvm;

import org.memtypelab.core.gpu.Backing;

/**
 * Whether KVM can map a blob's pages into the guest at all (DOMAIN 2.1, rule 28a): the tail pages of an amdgpu/TTM
 * buffer behind a VM_PFNMAP VMA have refcount 0, and from 5.13 to 6.12 {@code hva_to_pfn_remapped()} refuses them,
 * so the guest's access makes KVM_RUN fail with EFAULT.
 */
public final class PfnMap {

    /** One page; a buffer larger than this has tail pages (DOMAIN 2.1). */
    public static final long PAGE = 4096;

    /** Stable series that carry f8be156be163, and the first patch level that does (DOMAIN rule 28a). */
    private static final int[][] BACKPORTS = {{5, 12, 14}, {5, 10, 47}, {5, 4, 129}, {4, 14, 243}, {4, 9, 298}};

    /** KVM's answer for a guest access to a buffer. */
    public sealed interface Answer {
        /** The pages map; {@code note} says what is worth knowing (empty if nothing). */
        record Maps(String note) implements Answer {}

        /** KVM_RUN fails with EFAULT; {@code witness} names the kernel range and the fix. */
        record Faults(String witness) implements Answer {}

        /** DOMAIN.md does not say for this kernel. */
        record Unknown(String why) implements Answer {}
    }

    private PfnMap() {}

    /** Whether the guest's access to a buffer of {@code size} bytes backed by {@code backing} maps on {@code v}. */
    public static Answer guestAccess(KvmVersion v, Backing backing, long size) {
        if (backing != Backing.PFNMAP_RAM || size <= PAGE) {
            return new Answer.Maps("");
        }
        String pages = "the tail pages of this amdgpu/TTM buffer behind a VM_PFNMAP VMA have refcount 0";
        if (v.atLeast(6, 13)) {
            return new Answer.Maps("");
        }
        if (v.atLeast(5, 13) || backported(v)) {
            return new Answer.Faults("KVM_RUN fails with EFAULT: on kernel " + v.release() + " (5.13 <= v < 6.13, and"
                    + " stable kernels carrying f8be156be163) hva_to_pfn_remapped() refuses refcount-0 pages, and "
                    + pages + "; fixed in 6.13 (8b15c3764c05) (DOMAIN rule 28a)");
        }
        if (v.patch() > 0 && !listedSeries(v)) {
            return new Answer.Unknown("whether stable " + v.release() + " carries f8be156be163 (KVM_RUN EFAULT on"
                    + " refcount-0 PFNMAP pages) is not recorded (DOMAIN 2.2: other stable series [U])");
        }
        return new Answer.Maps("kernel " + v.release() + " predates f8be156be163, so KVM maps " + pages
                + " - and takes references on pages the exporter does not expect (the refcount risk that change"
                + " closed; DOMAIN rule 28a)");
    }

    private static boolean backported(KvmVersion v) {
        for (int[] b : BACKPORTS) {
            if (v.stableAtLeast(b[0], b[1], b[2])) {
                return true;
            }
        }
        return false;
    }

    private static boolean listedSeries(KvmVersion v) {
        for (int[] b : BACKPORTS) {
            if (v.series(b[0], b[1])) {
                return true;
            }
        }
        return false;
    }
}
