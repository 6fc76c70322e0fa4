package org.memtypelab.runtime.testkit;

import java.util.Optional;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.BlobSlot;

/** Blobs the node tests hand around. */
public final class Blobs {

    /** 2 MiB. */
    public static final long MIB2 = 2L << 20;

    /** Buffer b0 as qemu-node hands it to kvm-node: memslot 10 at 4 GiB, 2 MiB of RAM that QEMU maps WC. */
    public static final BlobSlot B0 = b0(Backing.RAM);

    /** Buffer b0 with other pages behind it, e.g. amdgpu/TTM's {@link Backing#PFNMAP_RAM}. */
    public static BlobSlot b0(Backing backing) {
        return new BlobSlot(
                "b0",
                10,
                0x1_0000_0000L,
                MIB2,
                0x7f00_0000_0000L,
                0,
                Optional.empty(),
                MemType.WC,
                backing,
                MemType.WC,
                false,
                MemType.WC);
    }

    private Blobs() {}
}
