package org.memtypelab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.Errno;
import org.memtypelab.core.memslot.MemslotTable;
import org.memtypelab.core.memslot.SetRequest;
import org.memtypelab.core.memslot.SetResult;

/**
 * Every mapped hostmem blob is a memslot (DOMAIN 5.2, rule 28), so blobs run into the kernel's slot limit (DOMAIN 3.3,
 * rule 21: 509 user slots up to 5.11, 32764 from 5.12). QEMU's ids go to KVM_SET_USER_MEMORY_REGION as they are.
 */
class BlobSlotLimitTest {

    private static final long GPA = 0x1_0000_0000L;
    private static final long SIZE = 4096;

    /** KVM's answer to the memslot QEMU asks for when it maps {@code blob}. */
    private static SetResult install(MemslotTable kvm, BlobSlot blob) {
        return kvm.set(new SetRequest(blob.slot(), blob.flags(), blob.gpa(), blob.size(), blob.hva(), ioctl(kvm)));
    }

    private static SetRequest.Ioctl ioctl(MemslotTable kvm) {
        return kvm.rules().v2Ioctl() ? SetRequest.Ioctl.V2 : SetRequest.Ioctl.V1;
    }

    /** Imports and maps blob {@code n} at its own gpa; returns the slot QEMU hands to KVM. */
    private static BlobSlot map(QemuModel qemu, int n) {
        String buffer = "b" + n;
        qemu.importDmaBuf(new DmaBuf(buffer, SIZE, Placement.GTT_USWC.profile()));
        QemuModel.MapResult r = qemu.mapBlob(buffer, GPA + n * (2L << 20), 0, Optional.empty());
        assertThat(r.outcome().ok()).as(r.outcome().detail()).isTrue();
        return r.slot().orElseThrow();
    }

    @ParameterizedTest(
            name = "rule 21: kvm {0}: blobs fill slot ids 10..{1}-1, the next is EINVAL; a freed id is reused")
    @CsvSource({"5.6, 509", "5.11, 509", "5.12, 32764"})
    void rule21_blobsFillTheKernelsSlotsAndReuseFreedIds(String kernel, int limit) {
        MemslotTable kvm = MemslotTable.forKernel(KvmVersion.of(kernel));
        int first = QemuModel.FIRST_BLOB_SLOT;
        QemuModel qemu = new QemuModel(QemuConfig.defaults());
        int fitting = limit - first;

        for (int n = 0; n < fitting; n++) {
            BlobSlot blob = map(qemu, n);
            assertThat(blob.slot()).isEqualTo(first + n);
            assertThat(install(kvm, blob)).as("blob %d", n).isInstanceOf(SetResult.Applied.class);
        }
        BlobSlot over = map(qemu, fitting);
        SetResult refused = install(kvm, over);

        assertThat(over.slot()).isEqualTo(limit);
        assertThat(refused).isInstanceOf(SetResult.Failed.class);
        SetResult.Failed failed = (SetResult.Failed) refused;
        assertThat(failed.errno()).isEqualTo(Errno.EINVAL);
        assertThat(failed.reason())
                .startsWith("DOMAIN rule 21: slot id " + limit + " is past this kernel's " + limit + " user memslots");
        assertThat(kvm.count()).isEqualTo(fitting);

        // unmap-blob frees a slot in KVM and the id in QEMU; the next blob gets that id and fits again
        BlobSlot freed = qemu.unmapBlob("b7").slot().orElseThrow();
        assertThat(kvm.set(SetRequest.of(0, freed.slot(), 0, freed.gpa(), 0, freed.hva(), ioctl(kvm))))
                .isInstanceOf(SetResult.Applied.class);
        BlobSlot again = map(qemu, fitting + 1);

        assertThat(again.slot()).isEqualTo(first + 7);
        assertThat(install(kvm, again)).isInstanceOf(SetResult.Applied.class);
        assertThat(kvm.count()).isEqualTo(fitting);
    }
}
