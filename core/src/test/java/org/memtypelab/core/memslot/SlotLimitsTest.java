package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.memslot.Requests.MIB;
import static org.memtypelab.core.memslot.Requests.PAGE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.SetRequest.Ioctl;
import org.memtypelab.core.memslot.SetResult.Applied;
import org.memtypelab.core.memslot.SetResult.Failed;

/** KVM_USER_MEM_SLOTS and address spaces per kernel, filled to the last slot (DOMAIN 3.3, rule 21). */
class SlotLimitsTest {

    @ParameterizedTest(name = "DOMAIN rule 21: kvm {0}, as_id {2}: ids 0..{1}-1 succeed, id {1} -> EINVAL")
    @CsvSource({"5.6, 509, 0", "5.11, 509, 0", "5.11, 509, 1", "5.12, 32764, 0", "6.12, 32764, 0", "6.12, 32764, 1"})
    void exactlyKvmUserMemSlotsSlotsFitInAnAddressSpace(String kernel, int limit, int asId) {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of(kernel));
        assertThat(table.rules().maxUserSlots()).isEqualTo(limit);

        for (int id = 0; id < limit; id++) {
            SetResult r = table.set(SetRequest.of(asId, id, 0, id * 2 * MIB, MIB, Requests.HVA + id * MIB, Ioctl.V1));
            assertThat(r).as("id %d", id).isInstanceOf(Applied.class);
        }

        assertThat(table.count()).isEqualTo(limit);
        assertThat(table.totalPages()).isEqualTo(limit * (MIB / PAGE));
        assertThat(table.slotAt(asId, (limit - 1) * 2 * MIB + MIB - 1).map(Memslot::id))
                .contains(limit - 1);
        assertThat(table.slotAt(asId, (limit - 1) * 2 * MIB + MIB)).isEmpty();

        SetResult over = table.set(SetRequest.of(asId, limit, 0, limit * 2 * MIB, MIB, Requests.HVA, Ioctl.V1));
        assertThat(over).isInstanceOf(Failed.class);
        assertThat(((Failed) over).errno()).isEqualTo(Errno.EINVAL);
        assertThat(((Failed) over).reason()).startsWith("DOMAIN rule 21").contains(String.valueOf(limit));
        assertThat(table.count()).isEqualTo(limit);
    }

    @ParameterizedTest(name = "DOMAIN rule 21: kvm {0}: id {1} -> {2}")
    @CsvSource({
        "5.11, 508, CREATE",
        "5.11, 509, EINVAL",
        "5.11, 32763, EINVAL",
        "5.12, 509, CREATE",
        "5.12, 32763, CREATE",
        "5.12, 32764, EINVAL",
        "6.12, 32767, EINVAL",
        "6.12, 65535, EINVAL"
    })
    void slotIdsAtTheEdgeOfTheLimit(String kernel, int id, String answer) {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of(kernel));
        SetResult r = table.set(SetRequest.of(0, id, 0, 0, MIB, Requests.HVA, Ioctl.V1));
        assertThat(
                        r instanceof Failed f
                                ? f.errno().name()
                                : ((Applied) r).change().name())
                .isEqualTo(answer);
    }

    @ParameterizedTest(name = "DOMAIN rule 21: as_id {0} on x86 -> {1}")
    @CsvSource({"0, CREATE", "1, CREATE", "2, EINVAL", "3, EINVAL", "65535, EINVAL"})
    void twoAddressSpacesOnX86(int asId, String answer) {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of("6.12"));
        SetResult r = table.set(SetRequest.of(asId, 0, 0, 0, MIB, Requests.HVA, Ioctl.V1));
        assertThat(
                        r instanceof Failed f
                                ? f.errno().name()
                                : ((Applied) r).change().name())
                .isEqualTo(answer);
    }

    @Test
    void bothAddressSpacesHoldTheFullLimitAndLookupsStaySeparate() {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of("6.12"));
        int limit = table.rules().maxUserSlots();
        for (int as = 0; as < 2; as++) {
            for (int id = 0; id < limit; id++) {
                // as 1 uses the same gpas shifted by half a slot: overlap across address spaces is allowed (rule 24)
                long gpa = id * 4 * MIB + as * MIB;
                assertThat(table.set(SetRequest.of(as, id, 0, gpa, 2 * MIB, Requests.HVA, Ioctl.V1)))
                        .isInstanceOf(Applied.class);
            }
        }
        assertThat(table.count()).isEqualTo(2 * limit);
        assertThat(table.slots()).hasSize(2 * limit);
        assertThat(table.slotAt(0, 1000 * 4 * MIB + MIB).map(Memslot::slot)).contains(SetRequest.slot(0, 1000));
        assertThat(table.slotAt(1, 1000 * 4 * MIB + MIB).map(Memslot::slot)).contains(SetRequest.slot(1, 1000));
        assertThat(table.slotAt(0, 1000 * 4 * MIB + 2 * MIB)).isEmpty();
    }

    @Test
    void multiTebibyteSlotsCostNoPerPageMemory() {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of("6.12"));
        long eightTib = ((1L << 31) - 1) * PAGE;
        for (int id = 0; id < 8; id++) {
            // each slot needs its own hva range: 8 x 8 TiB = 64 TiB < 128 TiB of user space
            long hva = id * (1L << 43);
            SetResult r = table.set(SetRequest.of(0, id, 1, id * (1L << 43), eightTib, hva, Ioctl.V1));
            assertThat(r).isInstanceOf(Applied.class);
        }
        assertThat(table.totalPages()).isEqualTo(8 * ((1L << 31) - 1));
        assertThat(table.slotAt(0, 7 * (1L << 43) + eightTib - 1).map(Memslot::id))
                .contains(7);
        assertThat(table.markDirty(0, 5 * (1L << 43) + 3 * PAGE)).isTrue();
        DirtyLogResult log = table.getDirtyLog(0, 5, true);
        assertThat(((DirtyLogResult.Log) log).dirty().stream()).containsExactly(3);
        assertThat(((DirtyLogResult.Log) log).npages()).isEqualTo((1L << 31) - 1);
    }
}
