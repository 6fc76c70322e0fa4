package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** DOMAIN 9 design options 2, 3, 4 and 6 applied as kernel version suffixes. */
class DesignPatchTest {

    static KvmPlatform intel(String kvm) {
        return new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(kvm), false, true, true);
    }

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow();
    }

    static MemType known(KvmPlatform p, GuestPage page) {
        Effective e = GuestMemtype.resolve(p, page).effective();
        assertThat(e).isInstanceOf(Effective.Known.class);
        return ((Effective.Known) e).type();
    }

    @Test
    void suffixesRoundTrip() {
        for (DesignPatch d : DesignPatch.values()) {
            assertThat(DesignPatch.parse(d.suffix())).contains(d);
        }
        assertThat(DesignPatch.parse("nope")).isEmpty();
        assertThat(DesignPatch.allowed())
                .contains("kvm-mem-dma", "honor-guest-pat", "inspect-hva", "slot-memtype", "dma-excludes-dirty-log");
    }

    // option 2

    @ParameterizedTest(name = "DOMAIN 9 option 2: kvm {0}+honor-guest-pat, RAM, guest PAT {1} -> {2}")
    @CsvSource({"5.6, WC, WC", "5.6, UC-, UC", "5.6, WB, WB", "6.10, WC, WC", "6.12, UC, UC", "6.12, WT, WT"})
    void honorGuestPatGivesGuestPatOnRam(String kvm, String guestPat, String expected) {
        KvmPlatform p = intel(kvm + "+honor-guest-pat");
        GuestPage page = GuestPage.ram(t(guestPat));
        assertThat(EptPolicy.decide(p, page).entry()).isEqualTo(new Ept.Entry(MemType.WB, false));
        assertThat(known(p, page)).isEqualTo(t(expected));
        assertThat(EptPolicy.decide(p, page).because()).contains("option 2");
    }

    @Test
    void honorGuestPatStillForcesUcForMmio() {
        KvmPlatform p = intel("6.10+honor-guest-pat");
        GuestPage mmio = GuestPage.ram(MemType.WB).withMmio(true);
        assertThat(EptPolicy.decide(p, mmio).entry()).isEqualTo(new Ept.Entry(MemType.UC, false));
        assertThat(known(p, mmio)).isEqualTo(MemType.UC);
    }

    @Test
    void honorGuestPatMeansKvmNeverIgnoresGuestPatSoNoZap() {
        assertThat(intel("6.10+honor-guest-pat").mayIgnoreGuestPat()).isFalse();
        assertThat(ZapPolicy.noncoherentDmaTransition(intel("6.10+honor-guest-pat"))
                        .zap())
                .isEqualTo(ZapPolicy.Zap.NONE);
    }

    // option 3

    @ParameterizedTest(name = "DOMAIN 9 option 3: kvm 6.10+inspect-hva, host mapping {0}, guest PAT {1} -> {2}")
    @CsvSource({"WC, WB, WC", "WC, UC, WC", "WB, WC, WB", "WB, UC, WB", "WT, WC, WT"})
    void inspectHvaGivesTheHostMappingType(String host, String guestPat, String expected) {
        KvmPlatform p = intel("6.10+inspect-hva");
        GuestPage page = GuestPage.ram(t(guestPat)).withSlot(t(host), false, false, Optional.empty());
        assertThat(EptPolicy.decide(p, page).entry()).isEqualTo(new Ept.Entry(t(host), true));
        assertThat(known(p, page)).isEqualTo(t(expected));
    }

    @Test
    void inspectHvaOfAUcMinusHostMappingIsUncached() {
        KvmPlatform p = intel("6.10+inspect-hva");
        GuestPage page = GuestPage.ram(MemType.WB).withSlot(MemType.UC_MINUS, false, false, Optional.empty());
        assertThat(known(p, page)).isEqualTo(MemType.UC);
    }

    // option 4

    @ParameterizedTest(name = "DOMAIN 9 option 4: kvm 6.10+slot-memtype, slot {0}, guest PAT {1} -> {0}")
    @CsvSource({"WC, WB", "WC, UC", "WC, UC-", "WB, WC", "UC, WB"})
    void slotMemtypeForcesTheSlotTypeWhateverTheGuestPat(String slot, String guestPat) {
        KvmPlatform p = intel("6.10+slot-memtype");
        GuestPage page = GuestPage.ram(t(guestPat)).withSlot(MemType.WB, false, false, Optional.of(t(slot)));
        assertThat(EptPolicy.decide(p, page).entry()).isEqualTo(new Ept.Entry(t(slot), true));
        assertThat(known(p, page)).isEqualTo(t(slot));
    }

    @Test
    void slotMemtypeWithoutATypeOnTheSlotKeepsTheEraBehaviour() {
        KvmPlatform p = intel("6.10+slot-memtype");
        assertThat(EptPolicy.decide(p, GuestPage.ram(MemType.WC)).entry()).isEqualTo(new Ept.Entry(MemType.WB, true));
    }

    @Test
    void slotMemtypeNeedsThePatch() {
        GuestPage page = GuestPage.ram(MemType.UC).withSlot(MemType.WB, false, false, Optional.of(MemType.WC));
        assertThat(known(intel("6.10"), page)).isEqualTo(MemType.WB);
    }

    // option 6

    @Test
    void dmaExcludesDirtyLogForcesWbOnAKvmMemDmaSlotWhileLoggingDirtyPages() {
        KvmPlatform p = intel("5.6+dma-excludes-dirty-log");
        GuestPage migrating = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WC)
                .withSlot(MemType.WB, true, true, Optional.empty());
        assertThat(known(p, migrating)).isEqualTo(MemType.WB);
        assertThat(EptPolicy.decide(p, migrating).because()).contains("option 6");
    }

    @Test
    void dmaExcludesDirtyLogHonoursGuestTypesAgainOutsideMigration() {
        // Without dirty logging the slot follows option 1: VM-wide non-coherent -> guest MTRR x guest PAT (rule 11).
        KvmPlatform p = intel("5.6+dma-excludes-dirty-log");
        GuestPage idle = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WC)
                .withSlot(MemType.WB, true, false, Optional.empty());
        assertThat(known(p, idle)).isEqualTo(MemType.WC);
    }

    @Test
    void dirtyLoggingOnAPlainSlotIsUnaffectedByOption6() {
        KvmPlatform p = intel("5.6+dma-excludes-dirty-log");
        GuestPage page = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WC)
                .withSlot(MemType.WB, false, true, Optional.empty());
        assertThat(known(p, page)).isEqualTo(MemType.WC);
    }

    @Test
    void kvmMemDmaAloneBehavesLikeTheEraWithNoncoherentDma() {
        // DOMAIN 9 option 1: G = grid(guestMTRR, PAT(g)) = WC when the guest uses WC.
        KvmPlatform p = intel("5.6+kvm-mem-dma");
        GuestPage page = GuestPage.ram(MemType.WC)
                .withNoncoherentDma(true)
                .withGuestMtrr(MemType.WB)
                .withSlot(MemType.WB, true, false, Optional.empty());
        assertThat(known(p, page)).isEqualTo(MemType.WC);
    }
}
