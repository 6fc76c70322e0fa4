package org.memtypelab.core.memslot;

import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.SetRequest.Ioctl;

/** Shorthand for memslot requests in tests. */
final class Requests {

    static final long PAGE = 4096;
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final long HVA = 0x7f00_0000_0000L;

    static final int LOG = 1;
    static final int RO = 2;
    static final int BIT2 = 4;

    private Requests() {}

    static SetRequest v1(int id, int flags, long gpa, long size) {
        return SetRequest.of(0, id, flags, gpa, size, hvaFor(id), Ioctl.V1);
    }

    static SetRequest v2(int id, int flags, long gpa, long size) {
        return SetRequest.of(0, id, flags, gpa, size, hvaFor(id), Ioctl.V2);
    }

    /** A distinct page-aligned hva per slot id, well inside the 47-bit user address space. */
    static long hvaFor(int id) {
        return HVA + id * 64 * GIB;
    }

    static MemslotTable table(String kernel, SetRequest... setup) {
        MemslotTable t = MemslotTable.forKernel(KvmVersion.of(kernel));
        for (SetRequest r : setup) {
            SetResult result = t.set(r);
            if (!(result instanceof SetResult.Applied)) {
                throw new IllegalStateException("setup request " + r + " failed: " + result);
            }
        }
        return t;
    }
}
