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
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.LedgerFeed;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.memslot.Errno;
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
        return new BlobSlot(buffer, slot, gpa, MIB2, hva, flags, Optional.empty(), WC, Backing.RAM, WC, false, WC);
    }

    /** A blob backed by {@code backing} of {@code size} bytes, QEMU mapping it {@code qemuType}, map_info WC. */
    static BlobSlot blob(String buffer, int slot, Backing backing, long size, MemType qemuType) {
        long gpa = 0x1_0000_0000L + (slot - 10) * MIB2;
        long hva = 0x7f00_0000_0000L + (slot - 10) * MIB2;
        return new BlobSlot(buffer, slot, gpa, size, hva, 0, Optional.empty(), qemuType, backing, WC, false, qemuType);
    }

    static KvmModel amd(String version, boolean cdNwQuirk) {
        return new KvmModel(new KvmPlatform(CpuVendor.AMD, KvmVersion.of(version), false, true, cdNwQuirk));
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
    void option6_dirtyLoggingAKvmMemDmaSlotKeepsTheSlotAndForcesWbWithIpatUntilLoggingStops() {
        // DOMAIN 9 option 6: the slot persists; enabling LOG_DIRTY_PAGES (FLAGS_ONLY) makes KVM force WB and zap
        KvmModel kvm = kvm("5.6+dma-excludes-dirty-log", false);
        BlobSlot b0 = blob("b0", 10, DMA);
        installed(kvm, b0);
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));

        Outcome o = kvm.startDirtyLog(b0);

        assertThat(o.ok()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains("option 6");
        Memslot slot = kvm.table().get(0, 10).orElseThrow();
        assertThat(slot.flags()).containsExactlyInAnyOrder(MemslotFlag.KVM_MEM_DMA, MemslotFlag.LOG_DIRTY_PAGES);
        assertThat(slot.gpa()).isEqualTo(b0.gpa());
        assertThat(slot.hva()).isEqualTo(b0.hva());
        assertThat(kvm.noncoherentDmaCount()).as("the KVM_MEM_DMA slot stays").isEqualTo(1);
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));
        assertThat(guestSets(o)).containsExactly(new Mapping("b0", Who.GUEST, guest(WB, WB, true), true));

        // logging off again: the slot is zapped once more and the guest's type comes back
        Outcome off = kvm.setMemoryRegion(10, DMA, b0.gpa(), b0.size(), Optional.empty())
                .outcome();
        assertThat(off.ok()).as(off.detail()).isTrue();
        assertThat(guestSets(off)).containsExactly(new Mapping("b0", Who.GUEST, guest(WC, WB, false), true));
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
        assertThat(kvm.guestAccess("b0", true, 0, 0xab).outcome().ok())
                .as("not mapped yet")
                .isFalse();
        kvm.guestMap("b0", Optional.of(WC));
        Outcome w = kvm.guestAccess("b0", true, 16, 0xab).outcome();
        assertThat(w.observations())
                .containsExactly(new Observation.Access("b0", Who.GUEST, guest(WB, WB, true), true, 16, 0xab));
        assertThat(kvm.guestAccess("b0", false, MIB2, 0).outcome().ok()).isFalse();
        assertThat(kvm.guestAccess("b0", false, -1, 0).outcome().ok()).isFalse();
    }

    @Test
    void anMmioBlobIsEptUcAndTheGuestPatDecides() {
        KvmModel kvm = kvm("6.10", false);
        BlobSlot vram = new BlobSlot(
                "v", 10, 0x1_0000_0000L, MIB2, 0x7f00_0000_0000L, 0, Optional.empty(), WC, Backing.MMIO, WC, false, WC);
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
                "b1", 11, 0x1_0000_0000L, MIB2, 0x7f00_1000_0000L, 0, Optional.empty(), WC, Backing.RAM, WC, false, WC);
        KvmModel.SetOutcome out = kvm.installBlob(clash);
        assertThat(out.result().answer()).isEqualTo("EEXIST");
        assertThat(out.outcome().ok()).isFalse();
        assertThat(kvm.blobs()).extracting(BlobSlot::buffer).containsExactly("b0");
    }

    // --- rule 28a: refcount-0 tail pages behind a VM_PFNMAP VMA (amdgpu/TTM gtt-uswc) ---

    @Test
    void rule28a_guestWriteToA2MibGttUswcBlobOn610FailsWithEfaultAndAGuestFaultHazard() {
        KvmModel kvm = kvm("6.10", false);
        installed(kvm, blob("b0", 10, Backing.PFNMAP_RAM, MIB2, WC));
        Outcome mapped = kvm.guestMap("b0", Optional.empty());
        assertThat(mapped.ok()).as(mapped.detail()).isTrue();
        assertThat(mapped.observations())
                .as("a mapping KVM cannot build is not published")
                .isEmpty();
        assertThat(mapped.detail()).contains("DOMAIN rule 28a");
        assertThat(kvm.mappings()).isEmpty();

        KvmModel.RunOutcome write = kvm.guestAccess("b0", true, 0, 0xab);
        assertThat(write.outcome().ok()).isFalse();
        assertThat(write.errno()).contains(Errno.EFAULT);
        assertThat(write.outcome().observations())
                .singleElement()
                .isInstanceOfSatisfying(Observation.Reported.class, r -> {
                    Hazard h = r.hazard();
                    assertThat(h.buffer()).isEqualTo("b0");
                    assertThat(h.kind()).isEqualTo(Hazard.Kind.GUEST_FAULT);
                    assertThat(h.kind().label()).isEqualTo("guest-fault");
                    assertThat(h.between()).containsExactly(Who.GUEST, Who.QEMU);
                    assertThat(h.witness()).contains("EFAULT").contains("6.13");
                });
        KvmModel.RunOutcome read = kvm.guestAccess("b0", false, MIB2 - 1, 0);
        assertThat(read.outcome().ok()).isFalse();
        assertThat(read.errno()).contains(Errno.EFAULT);
    }

    @ParameterizedTest(name = "DOMAIN rule 28a: kvm {0}: a 2 MiB gtt-uswc blob maps and the guest write goes through")
    @ValueSource(strings = {"6.13-rc1", "6.13", "6.16", "5.12", "5.10.46"})
    void rule28a_theSameBlobMapsFrom613AndBeforeF8be156be163(String version) {
        KvmModel kvm = kvm(version, false);
        installed(kvm, blob("b0", 10, Backing.PFNMAP_RAM, MIB2, WC));
        Outcome mapped = kvm.guestMap("b0", Optional.empty());
        assertThat(guestSets(mapped)).singleElement().extracting(Mapping::who).isEqualTo(Who.GUEST);
        KvmModel.RunOutcome write = kvm.guestAccess("b0", true, 0, 0xab);
        assertThat(write.outcome().ok()).as(write.outcome().detail()).isTrue();
        assertThat(write.errno()).isEmpty();
        assertThat(write.outcome().observations()).singleElement().isInstanceOf(Observation.Access.class);
    }

    @ParameterizedTest(name = "DOMAIN rule 28a: kvm 6.10, a {0} blob of {1} bytes maps")
    @CsvSource({"PFNMAP_RAM, 4096", "RAM, 2097152", "MMIO, 2097152"})
    void rule28a_onlyMultiPagePfnmapRamFaults(Backing backing, long size) {
        KvmModel kvm = kvm("6.10", false);
        installed(kvm, blob("b0", 10, backing, size, WC));
        assertThat(guestSets(kvm.guestMap("b0", Optional.empty()))).hasSize(1);
        KvmModel.RunOutcome write = kvm.guestAccess("b0", true, 0, 0xab);
        assertThat(write.outcome().ok()).isTrue();
        assertThat(write.errno()).isEmpty();
    }

    @Test
    void rule28a_anUnlistedStableSeriesBefore513LeavesTheGuestMappingUnverified() {
        KvmModel kvm = kvm("4.19.100", false);
        installed(kvm, blob("b0", 10, Backing.PFNMAP_RAM, MIB2, WC));
        kvm.guestMap("b0", Optional.empty());
        assertThat(guestType(kvm, "b0"))
                .isInstanceOfSatisfying(
                        MappingType.Unverified.class,
                        u -> assertThat(u.why()).contains("f8be156be163").contains("4.19.100"));
    }

    // --- rule 10b: UC from the EPT type need not snoop ---

    /** A ledger on an Intel host: QEMU maps b0 WB and writes 0xab, then the guest maps it and reads it. */
    static CoherencyLedger.Report qemuWritesWbGuestReads(KvmModel kvm, boolean selfSnoop, Outcome guestMapped) {
        MappingType.Cpu wb = new MappingType.Cpu(WB);
        LedgerFeed feed = new LedgerFeed(new Coherence(CpuVendor.INTEL, selfSnoop));
        feed.step(
                "qemu-node",
                Outcome.ok("qemu maps b0", List.of(new Observation.MappingSet(new Mapping("b0", Who.QEMU, wb, true)))));
        feed.step("kvm-node", guestMapped);
        feed.step(
                "qemu-node",
                Outcome.ok("qemu write", List.of(new Observation.Access("b0", Who.QEMU, wb, true, 0, 0xab))));
        feed.step("kvm-node", kvm.guestAccess("b0", false, 0, 0).outcome());
        return feed.report();
    }

    @ParameterizedTest(
            name = "DOMAIN rule 10b: kvm 6.10 self-snoop {0}, non-coherent DMA, guest MTRR UC -> EPT UC: stale")
    @ValueSource(booleans = {false, true})
    void rule10b_guestMtrrUcOn610IsUcFromTheEptAndMissesAWbQemuWrite(boolean selfSnoop) {
        KvmModel kvm = kvm("6.10", selfSnoop);
        installed(kvm, blob("b0", 10, Backing.RAM, MIB2, WB));
        kvm.noncoherentDma(true);
        Outcome mapped = kvm.guestMap("b0", Optional.of(WB), UC);
        assertThat(guestSets(mapped)).containsExactly(new Mapping("b0", Who.GUEST, guest(UC, UC, false), true));
        assertThat(guestType(kvm, "b0").ucFromEpt()).isTrue();

        CoherencyLedger.Report r = qemuWritesWbGuestReads(kvm, selfSnoop, mapped);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.hazards()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(Hazard.Kind.MEMTYPE_ALIAS);
            assertThat(h.between()).containsExactly(Who.GUEST, Who.QEMU);
            assertThat(h.types()).containsExactly("UC", "WB");
            assertThat(h.witness()).endsWith("qemu write 0xab stayed in the CPU cache; guest read 0x00");
        });
    }

    @ParameterizedTest(
            name = "DOMAIN rule 10b: kvm {0} self-snoop {1}, non-coherent DMA, guest PAT UC over EPT WB,0: benign")
    @CsvSource({"6.11, false", "6.11, true", "6.12, true", "6.16, false", "6.10, false"})
    void rule10b_guestPatUcOverEptWbSnoopsAndIsABenignAlias(String version, boolean selfSnoop) {
        KvmModel kvm = kvm(version, selfSnoop);
        installed(kvm, blob("b0", 10, Backing.RAM, MIB2, WB));
        kvm.noncoherentDma(true);
        // 6.11+: the guest MTRR is no longer virtualised (rule 13); on 6.10 the guest MTRR is WB (rule 12)
        Outcome mapped = kvm.guestMap("b0", Optional.of(UC), version.equals("6.10") ? WB : UC);
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(UC, WB, false));
        assertThat(guestType(kvm, "b0").ucFromEpt()).isFalse();

        CoherencyLedger.Report r = qemuWritesWbGuestReads(kvm, selfSnoop, mapped);
        assertThat(r.hazards()).isEmpty();
        assertThat(r.verdict()).isEqualTo(Verdict.BENIGN_ALIAS);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("footnote 2"));
    }

    // --- guest CR0.CD and guest MTRR (DOMAIN 2.4, rules 6a, 11-13, 18) ---

    @Test
    void rule12_aGuestCr0CdToggleOn68WithNoncoherentDmaZapsAndRebuildsTheGuestMapping() {
        KvmModel kvm = kvm("6.8", false);
        installed(kvm, blob("b0", 10, 0));
        kvm.noncoherentDma(true);
        kvm.guestMap("b0", Optional.of(WB), UC);
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(UC, UC, false));

        Outcome cd = kvm.guestCr0Cd(true);
        assertThat(cd.ok()).isTrue();
        assertThat(cd.detail()).contains("DOMAIN 2.4");
        // rule 12: CR0.CD=1 + CD_NW_CLEARED -> EPT WB without IPAT, the guest PAT (WB) decides
        assertThat(guestSets(cd)).containsExactly(new Mapping("b0", Who.GUEST, guest(WB, WB, false), true));
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, false));

        Outcome back = kvm.guestCr0Cd(false);
        assertThat(guestSets(back)).containsExactly(new Mapping("b0", Who.GUEST, guest(UC, UC, false), true));
        assertThat(kvm.guestCr0Cd(false).observations()).as("CR0.CD already 0").isEmpty();
    }

    @Test
    void rule12_withoutNoncoherentDmaACr0CdToggleOn68ChangesNothing() {
        KvmModel kvm = kvm("6.8", false);
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC), UC);
        Outcome cd = kvm.guestCr0Cd(true);
        assertThat(cd.ok()).isTrue();
        assertThat(guestSets(cd)).isEmpty();
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));
    }

    @Test
    void rule11_on56WhetherACr0CdToggleZapsIsUnrecordedSoAMappingWhoseTypeWouldChangeIsUnverified() {
        KvmModel kvm = kvm("5.6", false);
        installed(kvm, blob("b0", 10, 0));
        kvm.noncoherentDma(true);
        kvm.guestMap("b0", Optional.of(WB), UC);
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(UC, UC, false));

        Outcome cd = kvm.guestCr0Cd(true);
        assertThat(cd.ok()).isTrue();
        assertThat(cd.detail()).contains("not recorded");
        assertThat(guestSets(cd))
                .singleElement()
                .satisfies(m -> assertThat(m.type()).isInstanceOf(MappingType.Unverified.class));
        assertThat(guestType(kvm, "b0")).isInstanceOf(MappingType.Unverified.class);
    }

    @Test
    void rule11_on56WithoutNoncoherentDmaACr0CdToggleLeavesAnUnchangedTypeKnown() {
        // rule 10: EPT WB with IPAT whatever CR0.CD, so whether KVM zaps does not matter
        KvmModel kvm = kvm("5.6", false);
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC), UC);
        assertThat(guestSets(kvm.guestCr0Cd(true))).isEmpty();
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WB, WB, true));
    }

    @ParameterizedTest(name = "DOMAIN rule 13: kvm {0}, non-coherent DMA: a guest CR0.CD toggle has no effect")
    @ValueSource(strings = {"6.11-rc3", "6.11", "6.12", "6.16"})
    void rule13_from611AGuestCr0CdToggleHasNoEffect(String version) {
        KvmModel kvm = kvm(version, true);
        installed(kvm, blob("b0", 10, 0));
        kvm.noncoherentDma(true);
        kvm.guestMap("b0", Optional.of(WC), UC);
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));
        Outcome cd = kvm.guestCr0Cd(true);
        assertThat(cd.ok()).isTrue();
        assertThat(cd.detail()).contains("rule 13");
        assertThat(guestSets(cd)).isEmpty();
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));
        // a mapping built while CR0.CD=1 is the same: CR0.CD is not virtualised any more
        kvm.guestMap("b0", Optional.of(WC), UC);
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));
    }

    @Test
    void rule6a_onAmdWithCdNwClearedAGuestCr0CdToggleHasNoCachingEffect() {
        KvmModel kvm = amd("6.10", true);
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(new MappingType.Cpu(MemType.WC_PLUS));
        Outcome cd = kvm.guestCr0Cd(true);
        assertThat(cd.ok()).isTrue();
        assertThat(cd.detail()).contains("DOMAIN rule 6a").contains("no caching effect");
        assertThat(cd.observations()).isEmpty();
        assertThat(guestType(kvm, "b0")).isEqualTo(new MappingType.Cpu(MemType.WC_PLUS));
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).as("built while CR0.CD=1").isEqualTo(new MappingType.Cpu(MemType.WC_PLUS));
    }

    @Test
    void rule6a_onAmdWithoutCdNwClearedAGuestCr0CdToggleReachesTheHardwareAndIsUnverified() {
        KvmModel kvm = amd("6.10", false);
        installed(kvm, blob("b0", 10, 0));
        kvm.guestMap("b0", Optional.of(WC));
        assertThat(guestType(kvm, "b0")).isEqualTo(new MappingType.Cpu(MemType.WC_PLUS));
        Outcome cd = kvm.guestCr0Cd(true);
        assertThat(cd.detail()).contains("DOMAIN rule 6a");
        assertThat(guestSets(cd))
                .singleElement()
                .satisfies(m -> assertThat(m.type()).isInstanceOf(MappingType.Unverified.class));
    }

    // --- the per-slot non-coherent flag (+slot-noncoherent) ---

    @Test
    void slotNoncoherent_onlyTheFlaggedSlotIsNonCoherentAndOtherRamStaysWbWithIpat() {
        KvmModel kvm = kvm("6.10+slot-noncoherent", false);
        installed(kvm, blob("b1", 11, 0));
        kvm.guestMap("b1", Optional.of(WC));
        KvmModel.SetOutcome flagged = kvm.installBlob(blob("b0", 10, DMA));
        assertThat(flagged.result().succeeded()).as(flagged.outcome().detail()).isTrue();
        assertThat(kvm.noncoherentDmaCount())
                .as("a flagged slot raises no VM-wide count")
                .isZero();
        assertThat(guestSets(flagged.outcome()))
                .as("no VM-wide transition, no zap")
                .isEmpty();

        kvm.guestMap("b0", Optional.of(WC));
        kvm.guestMap("b1", Optional.of(WC));
        // rule 12 inside the flagged slot (EPT = guest MTRR WB without IPAT); rule 10 outside it
        assertThat(guestType(kvm, "b0")).isEqualTo(guest(WC, WB, false));
        assertThat(guestType(kvm, "b1")).isEqualTo(guest(WB, WB, true));
    }
}
