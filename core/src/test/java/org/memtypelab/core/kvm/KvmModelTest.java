package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.memtype.MemType.UC;
import static org.memtypelab.core.memtype.MemType.UC_MINUS;
import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.memslot.Memslot;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.BlobSlot;

/** KVM's guest mappings of blobs: built with today's policy, changed only by a zap (DOMAIN 2.2-2.4, rules 11, 16-18). */
class KvmModelTest {

    static final long MIB2 = 2L << 20;
    static final int DMA = MemslotFlag.KVM_MEM_DMA.bit();

    static KvmModel kvm(String version, boolean selfSnoop) {
        return new KvmModel(new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(version), selfSnoop, true, true));
    }

    /** A RAM blob as QEMU hands it over: a WC renderer/QEMU mapping whose map_info says WC. */
    static BlobSlot blob(String buffer, int slot, int flags) {
        long gpa = 0x1_0000_0000L + (slot - 10) * MIB2;
        long hva = 0x7f00_0000_0000L + (slot - 10) * MIB2;
        return new BlobSlot(buffer, slot, gpa, MIB2, hva, flags, Optional.empty(), WC, Backing.RAM, WC, false);
    }

    static MappingType guestType(KvmModel kvm, String buffer) {
        return kvm.mappings().stream()
                .filter(m -> m.buffer().equals(buffer))
                .findFirst()
                .map(Mapping::type)
                .orElseThrow();
    }

    static MappingType.Guest guest(MemType eff, MemType ept, boolean ipat) {
        return new MappingType.Guest(eff, new Ept.Entry(ept, ipat));
    }

    static List<Mapping> guestSets(Outcome o) {
        return o.observations().stream()
                .filter(Observation.MappingSet.class::isInstance)
                .map(x -> ((Observation.MappingSet) x).mapping())
                .toList();
    }

    static void installed(KvmModel kvm, BlobSlot b) {
        KvmModel.SetOutcome out = kvm.installBlob(b);
        assertThat(out.result().succeeded()).as(out.outcome().detail()).isTrue();
    }

    @Test
    void rule10StatusQuoGuestWcOverRamIsWb() {
        KvmModel kvm = kvm("6.10", false);
        installed(kvm, blob("b0", 10, 0));
        Outcome o = kvm.guestMap("b0", Optional.empty());
        assertThat(o.ok()).isTrue();
        assertThat(guestSets(o)).containsExactly(new Mapping("b0", Who.GUEST, guest(WB, WB, true), true));
        assertThat(o.detail()).contains("map_info");
    }

    @ParameterizedTest(name = "DOMAIN rule 11: 5.6+kvm-mem-dma, guest PAT {0} over guest MTRR WB -> {1}")
    @CsvSource({"WC, WC", "UC-, UC", "UC, UC", "WB, WB", "WT, WT"})
    void kvmMemDmaSlotMakesTheGuestFollowItsMtrrAndPat(String pat, String eff) {
        KvmModel kvm = kvm("5.6+kvm-mem-dma", false);
        installed(kvm, blob("b0", 10, DMA));
        assertThat(kvm.noncoherentDmaCount()).isEqualTo(1);
        kvm.guestMap("b0", MemType.parse(pat));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(MemType.parse(eff).orElseThrow(), WB, false));
    }

    @Test
    void kvmMemDmaIsVmWideSoOtherBlobsFollowGuestPatToo() {
        // DOMAIN 9 option 1 (c) / rule 16: non-coherent DMA is a VM-wide count, never per slot
        KvmModel kvm = kvm("5.6+kvm-mem-dma", false);
        installed(kvm, blob("b0", 10, DMA));
        installed(kvm, blob("b1", 11, 0));
        kvm.guestMap("b1", Optional.of(WC));
        assertThat(guestType(kvm, "b1")).isEqualTo(guest(WC, WB, false));
    }

    @Test
    void deletingTheLastKvmMemDmaSlotDropsTheCount() {
        KvmModel kvm = kvm("5.6+kvm-mem-dma", false);
        BlobSlot b0 = blob("b0", 10, DMA);
        installed(kvm, b0);
        kvm.guestMap("b0", Optional.of(WC));
        KvmModel.SetOutcome removed = kvm.removeBlob(b0);
        assertThat(removed.result().succeeded()).isTrue();
        assertThat(kvm.noncoherentDmaCount()).isZero();
        assertThat(kvm.blobs()).isEmpty();
        assertThat(kvm.mappings()).isEmpty();
        assertThat(removed.outcome().observations()).containsExactly(new Observation.MappingGone("b0", Who.GUEST));
    }

    @Test
    void before67ExistingGuestMappingsKeepTheirStaleMemtypeWhenNonCoherentDmaAttaches() {
        KvmModel kvm = kvm("5.6", false);
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));

        Outcome attach = kvm.noncoherentDma(true);
        assertThat(attach.ok()).isTrue();
        assertThat(attach.detail()).contains("DOMAIN rule 17");
        assertThat(guestSets(attach)).as("rule 17: no zap before 6.7").isEmpty();
        assertThat(guestType(kvm, "b0")).as("rule 18: built WB, stays WB").isEqualTo(guest(WB, WB, true));

        // a rebuild (the guest maps again) picks up the new policy
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));
    }

    @Test
    void before67AKvmMemDmaSlotLeavesOtherGuestMappingsStale() {
        KvmModel kvm = kvm("5.6+kvm-mem-dma", false);
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC));
        KvmModel.SetOutcome dmaSlot = kvm.installBlob(blob("b1", 11, DMA));
        assertThat(dmaSlot.result().succeeded()).isTrue();
        assertThat(guestSets(dmaSlot.outcome())).isEmpty();
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));
    }

    @ParameterizedTest(name = "DOMAIN rule 17: kvm {0} zaps all SPTEs on the 0->1 and 1->0 transitions")
    @ValueSource(strings = {"6.7", "6.10"})
    void from67TheTransitionsRebuildExistingGuestMappings(String version) {
        KvmModel kvm = kvm(version, false);
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));

        Outcome attach = kvm.noncoherentDma(true);
        assertThat(guestSets(attach)).containsExactly(new Mapping("b0", Who.GUEST, guest(WC, WB, false), true));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));

        // a second device changes nothing: only 0->1 and 1->0 zap
        assertThat(guestSets(kvm.noncoherentDma(true))).isEmpty();
        assertThat(guestSets(kvm.noncoherentDma(false))).isEmpty();

        Outcome detach = kvm.noncoherentDma(false);
        assertThat(guestSets(detach)).containsExactly(new Mapping("b0", Who.GUEST, guest(WB, WB, true), true));
    }

    @Test
    void detachingWithoutADeviceFails() {
        assertThat(kvm("6.10", false).noncoherentDma(false).ok()).isFalse();
    }

    @Test
    void dirtyLoggingAPlainSlotLeavesTheMemtypeAlone() {
        // rule 25: logging on write-protects; the memtype is unchanged
        KvmModel kvm = kvm("6.10", false);
        BlobSlot b0 = blob("b0", 10, 0);
        installed(kvm, b0);
        kvm.guestMap("b0", Optional.of(WC));
        Outcome o = kvm.startDirtyLog(b0);
        assertThat(o.ok()).as(o.detail()).isTrue();
        assertThat(guestSets(o)).isEmpty();
        assertThat(kvm.table().get(0, 10).orElseThrow().has(MemslotFlag.LOG_DIRTY_PAGES))
                .isTrue();
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));
    }

    @Test
    void withoutTheExclusionPatchAKvmMemDmaSlotLogsInPlaceAndKeepsItsType() {
        KvmModel kvm = kvm("5.6+kvm-mem-dma", false);
        BlobSlot b0 = blob("b0", 10, DMA);
        installed(kvm, b0);
        kvm.guestMap("b0", Optional.of(WC));
        Outcome o = kvm.startDirtyLog(b0);
        assertThat(o.ok()).as(o.detail()).isTrue();
        Memslot slot = kvm.table().get(0, 10).orElseThrow();
        assertThat(slot.flags()).containsExactlyInAnyOrder(MemslotFlag.KVM_MEM_DMA, MemslotFlag.LOG_DIRTY_PAGES);
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));
    }

    @Test
    void dmaExcludesDirtyLogRecreatesTheSlotWithoutKvmMemDmaAndRebuildsTheGuestAsWb() {
        // DOMAIN 9 option 6: KVM_MEM_DMA and LOG_DIRTY_PAGES exclusive; on migration start force WB and zap
        KvmModel kvm = kvm("5.6+dma-excludes-dirty-log", false);
        BlobSlot b0 = blob("b0", 10, DMA);
        installed(kvm, b0);
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));

        Outcome o = kvm.startDirtyLog(b0);

        assertThat(o.ok()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains("EINVAL").contains("without KVM_MEM_DMA");
        Memslot slot = kvm.table().get(0, 10).orElseThrow();
        assertThat(slot.flags()).containsExactly(MemslotFlag.LOG_DIRTY_PAGES);
        assertThat(slot.gpa()).isEqualTo(b0.gpa());
        assertThat(slot.hva()).isEqualTo(b0.hva());
        assertThat(kvm.noncoherentDmaCount()).isZero();
        assertThat(kvm.blobs()).singleElement().extracting(BlobSlot::flags).isEqualTo(slot.flagBits());
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));
        assertThat(o.observations())
                .containsSubsequence(
                        new Observation.MappingGone("b0", Who.GUEST),
                        new Observation.MappingSet(new Mapping("b0", Who.GUEST, guest(WB, WB, true), true)));
    }

    @Test
    void dirtyLogOnAGoneSlotFails() {
        KvmModel kvm = kvm("6.10", false);
        assertThat(kvm.startDirtyLog(blob("b0", 10, 0)).ok()).isFalse();
    }

    @Test
    void guestMapWithoutAMemslotFails() {
        Outcome o = kvm("6.10", false).guestMap("b0", Optional.of(WC));
        assertThat(o.ok()).isFalse();
        assertThat(o.observations()).isEmpty();
    }

    @Test
    void guestAccessGoesThroughTheTypeTheSpteWasBuiltWith() {
        KvmModel kvm = kvm("6.10", false);
        installed(kvm, blob("b0", 10, 0));
        assertThat(kvm.guestAccess("b0", true, 0, 0xab).ok())
                .as("not mapped yet")
                .isFalse();
        kvm.guestMap("b0", Optional.of(WC));
        Outcome w = kvm.guestAccess("b0", true, 16, 0xab);
        assertThat(w.observations())
                .containsExactly(new Observation.Access("b0", Who.GUEST, guest(WB, WB, true), true, 16, 0xab));
        assertThat(kvm.guestAccess("b0", false, MIB2, 0).ok()).isFalse();
        assertThat(kvm.guestAccess("b0", false, -1, 0).ok()).isFalse();
    }

    @Test
    void anMmioBlobIsEptUcAndTheGuestPatDecides() {
        KvmModel kvm = kvm("6.10", false);
        BlobSlot vram = new BlobSlot(
                "v", 10, 0x1_0000_0000L, MIB2, 0x7f00_0000_0000L, 0, Optional.empty(), WC, Backing.MMIO, WC, false);
        installed(kvm, vram);
        kvm.guestMap("v", Optional.empty());
        assertThat(guestType(kvm, "v")).isEqualTo(guest(WC, UC, false));
        kvm.guestMap("v", Optional.of(WB));
        assertThat(guestType(kvm, "v")).isEqualTo(guest(UC, UC, false));
    }

    @Test
    void amdHonoursGuestWcAsWcPlusAndLeavesUnverifiedCellsUnknown() {
        KvmModel kvm = new KvmModel(new KvmPlatform(CpuVendor.AMD, KvmVersion.of("6.10"), false, true, true));
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(new MappingType.Cpu(MemType.WC_PLUS));
        kvm.guestMap("b0", Optional.of(UC_MINUS));
        assertThat(guestType(kvm, "b0")).isEqualTo(new MappingType.Cpu(MemType.CD));
        kvm.guestMap("b0", Optional.of(WB));
        assertThat(guestType(kvm, "b0")).isInstanceOf(MappingType.Unverified.class);
    }

    @Test
    void installingAnOverlappingBlobFailsAndIsNotRecorded() {
        KvmModel kvm = kvm("6.10", false);
        installed(kvm, blob("b0", 10, 0));
        BlobSlot clash = new BlobSlot(
                "b1", 11, 0x1_0000_0000L, MIB2, 0x7f00_1000_0000L, 0, Optional.empty(), WC, Backing.RAM, WC, false);
        KvmModel.SetOutcome out = kvm.installBlob(clash);
        assertThat(out.result().answer()).isEqualTo("EEXIST");
        assertThat(out.outcome().ok()).isFalse();
        assertThat(kvm.blobs()).extracting(BlobSlot::buffer).containsExactly("b0");
    }
}
