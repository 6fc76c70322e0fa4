package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.memslot.Requests.BIT2;
import static org.memtypelab.core.memslot.Requests.GIB;
import static org.memtypelab.core.memslot.Requests.table;
import static org.memtypelab.core.memslot.Requests.v1;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.memslot.SetResult.Applied;
import org.memtypelab.core.memslot.SetResult.Failed;

/** Lookups of the memslot table: unsigned gpas, ordering, address spaces (DOMAIN 3.1, rule 24). */
class MemslotTableTest {

    private static final long HIGH = 0xffff_0000_0000_0000L;
    private static final long MID = 0x8000_0000_0000_0000L;

    @Test
    void gpasAboveTwoToThe63AreOrderedUnsigned() {
        MemslotTable t = table("6.12", v1(1, 0, HIGH, GIB), v1(2, 0, 0, GIB));
        assertThat(t.set(v1(3, 0, MID, GIB))).isInstanceOf(Applied.class);
        assertThat(t.set(v1(4, 0, HIGH - GIB / 2, GIB))).isInstanceOf(Failed.class);
        assertThat(t.slots()).extracting(Memslot::id).containsExactly(2, 3, 1);
        assertThat(t.slotAt(0, HIGH + GIB - 1).map(Memslot::id)).contains(1);
        assertThat(t.slotAt(0, MID + 5).map(Memslot::id)).contains(3);
        assertThat(t.slotAt(0, MID - 1)).isEmpty();
        assertThat(t.slotAt(0, -1L)).isEmpty();
    }

    @Test
    void slotFieldPacksAddressSpaceAndId() {
        SetRequest r = new SetRequest(0x0001_0005, 0, 0, GIB, 0, SetRequest.Ioctl.V1);
        assertThat(r.asId()).isEqualTo(1);
        assertThat(r.id()).isEqualTo(5);
        MemslotTable t = table("6.12", r);
        Memslot s = t.get(1, 5).orElseThrow();
        assertThat(s.slot()).isEqualTo(0x0001_0005);
        assertThat(t.get(0, 5)).isEmpty();
        assertThat(t.slotAt(0, 0)).isEmpty();
        assertThat(t.slotAt(1, 0)).contains(s);
        assertThat(t.slotAt(2, 0)).isEmpty();
        assertThat(t.slotAt(-1, 0)).isEmpty();
    }

    @Test
    void flagsAreDecodedForTheKernelTheSlotLivesOn() {
        Memslot dma = table("5.6+kvm-mem-dma", v1(1, BIT2, 0, GIB)).get(0, 1).orElseThrow();
        assertThat(dma.has(MemslotFlag.KVM_MEM_DMA)).isTrue();
        assertThat(dma.has(MemslotFlag.GUEST_MEMFD)).isFalse();
        assertThat(dma.flagBits()).isEqualTo(BIT2);
        Memslot gmem = table("6.12", Requests.v2(1, BIT2, 0, GIB)).get(0, 1).orElseThrow();
        assertThat(gmem.has(MemslotFlag.GUEST_MEMFD)).isTrue();
    }

    @ParameterizedTest(name = "DOMAIN rule 19: on {0} bit 2 is the kvm-mem-dma flag through {1}, never GUEST_MEMFD")
    @CsvSource({"5.6+slot-noncoherent, V1", "6.12+slot-noncoherent, V1", "6.12+slot-noncoherent, V2"})
    void rule19_bitTwoIsKvmMemDmaOnEveryKernelWhoseDesignOptionUsesIt(String kernel, SetRequest.Ioctl ioctl) {
        SetRequest request = SetRequest.of(0, 1, BIT2, 0, GIB, Requests.hvaFor(1), ioctl);

        Memslot slot = table(kernel, request).get(0, 1).orElseThrow();

        assertThat(slot.has(MemslotFlag.KVM_MEM_DMA)).isTrue();
        assertThat(slot.has(MemslotFlag.GUEST_MEMFD)).isFalse();
    }

    @Test
    void kvmMemDmaSlotsRegisterNonCoherentDmaOnCreateAndUnregisterOnDelete() {
        MemslotTable t = table("5.6+kvm-mem-dma");
        Applied create = (Applied) t.set(v1(1, BIT2, 0, GIB));
        assertThat(create.noncoherentDmaDelta()).isEqualTo(1);
        assertThat(create.because()).contains("non-coherent DMA");
        assertThat(((Applied) t.set(v1(1, BIT2 | 1, 0, GIB))).noncoherentDmaDelta())
                .isZero();
        assertThat(((Applied) t.set(v1(1, BIT2, GIB, GIB))).noncoherentDmaDelta())
                .isZero();
        assertThat(((Applied) t.set(SetRequest.delete(0, 1))).noncoherentDmaDelta())
                .isEqualTo(-1);
        assertThat(((Applied) t.set(v1(2, 0, 0, GIB))).noncoherentDmaDelta()).isZero();
    }

    @Test
    void answersAreZeroOrTheErrnoName() {
        MemslotTable t = table("6.12");
        assertThat(t.set(v1(1, 0, 0, GIB)).answer()).isEqualTo("0");
        assertThat(t.set(v1(2, 0, 0, GIB)).answer()).isEqualTo("EEXIST");
        assertThat(t.set(SetRequest.delete(0, 9)).answer()).isEqualTo("EINVAL");
        assertThat(Errno.EINVAL.number()).isEqualTo(22);
        assertThat(Errno.EEXIST.number()).isEqualTo(17);
    }
}
