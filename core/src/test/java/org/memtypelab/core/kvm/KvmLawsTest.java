package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** jqwik laws over DOMAIN 2.2 (rules 9-15) and the design patches of DOMAIN 9. */
class KvmLawsTest {

    /** Mainline kernels from 4.0 to 7.9, covering every era of DOMAIN 2.2 and its boundaries. */
    @Provide
    Arbitrary<KvmVersion> mainline() {
        Arbitrary<KvmVersion> any = Combinators.combine(
                        Arbitraries.integers().between(4, 7),
                        Arbitraries.integers().between(0, 25))
                .as((maj, min) -> KvmVersion.of(maj, min));
        Arbitrary<KvmVersion> edges = Arbitraries.of(
                        List.of("5.6", "6.6", "6.7", "6.10", "6.11", "6.12", "6.15", "6.16"))
                .map(KvmVersion::of);
        return Arbitraries.oneOf(any, edges);
    }

    /** Mainline kernels with any subset of design patches. */
    @Provide
    Arbitrary<KvmVersion> patched() {
        return Combinators.combine(mainline(), Arbitraries.subsetOf(DesignPatch.values()))
                .as((v, ps) -> {
                    Set<DesignPatch> set = ps.isEmpty() ? Set.of() : EnumSet.copyOf(ps);
                    return new KvmVersion(v.major(), v.minor(), set);
                });
    }

    @Provide
    Arbitrary<MemType> pat() {
        return Arbitraries.of(MemType.PAT_TYPES);
    }

    @Provide
    Arbitrary<MemType> mtrr() {
        return Arbitraries.of(MemType.MTRR_TYPES);
    }

    @Provide
    Arbitrary<Optional<MemType>> slotType() {
        return Arbitraries.of(MemType.PAT_TYPES).optional();
    }

    @Property
    void mmioIsAlwaysEptUcWithoutIpatInEveryEra(
            @ForAll("mainline") KvmVersion kvm,
            @ForAll boolean selfSnoop,
            @ForAll boolean ignoreGuestPatQuirk,
            @ForAll boolean cdNwQuirk,
            @ForAll("pat") MemType guestPat,
            @ForAll("mtrr") MemType guestMtrr,
            @ForAll boolean guestCr0Cd,
            @ForAll boolean noncoherentDma) {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, kvm, selfSnoop, ignoreGuestPatQuirk, cdNwQuirk);
        GuestPage page = GuestPage.ram(guestPat)
                .withMmio(true)
                .withGuestMtrr(guestMtrr)
                .withGuestCr0Cd(guestCr0Cd)
                .withNoncoherentDma(noncoherentDma);
        assertThat(EptPolicy.decide(p, page).entry()).isEqualTo(new Ept.Entry(MemType.UC, false));
        // DOMAIN rule 9 consequence: eff = grid(UC, PAT(g)) = UC except guest WC -> WC.
        Effective e = GuestMemtype.resolve(p, page).effective();
        assertThat(e.label()).isEqualTo(guestPat == MemType.WC ? "WC" : "UC");
    }

    @Property
    void intelResolutionIsAlwaysKnown(
            @ForAll("patched") KvmVersion kvm,
            @ForAll boolean selfSnoop,
            @ForAll boolean ignoreGuestPatQuirk,
            @ForAll boolean cdNwQuirk,
            @ForAll boolean mmio,
            @ForAll("pat") MemType guestPat,
            @ForAll("mtrr") MemType guestMtrr,
            @ForAll boolean guestCr0Cd,
            @ForAll boolean noncoherentDma,
            @ForAll("pat") MemType hostMapping,
            @ForAll boolean slotKvmMemDma,
            @ForAll boolean slotDirtyLogging,
            @ForAll("slotType") Optional<MemType> slotMemtype) {
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, kvm, selfSnoop, ignoreGuestPatQuirk, cdNwQuirk);
        GuestPage page = new GuestPage(
                mmio,
                guestPat,
                guestMtrr,
                guestCr0Cd,
                noncoherentDma,
                hostMapping,
                slotKvmMemDma,
                slotDirtyLogging,
                slotMemtype);
        GuestMemtype.Resolution r = GuestMemtype.resolve(p, page);
        assertThat(r.effective()).isInstanceOf(Effective.Known.class);
        assertThat(r.ept()).isPresent();
        assertThat(((Effective.Known) r.effective()).type()).isIn(MemType.MTRR_TYPES);
        assertThat(r.effective().because()).anyMatch(b -> b.contains("DOMAIN"));
    }

    @Property
    void withoutNoncoherentDmaTheEptTypeIsWbOnRamInEveryMainlineEra(
            @ForAll("mainline") KvmVersion kvm,
            @ForAll boolean selfSnoop,
            @ForAll boolean ignoreGuestPatQuirk,
            @ForAll("pat") MemType guestPat,
            @ForAll("mtrr") MemType guestMtrr,
            @ForAll boolean guestCr0Cd) {
        // DOMAIN 2.2, middle column: always WB; only IPAT varies (rules 10, 14, 15).
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, kvm, selfSnoop, ignoreGuestPatQuirk, true);
        GuestPage page = GuestPage.ram(guestPat).withGuestMtrr(guestMtrr).withGuestCr0Cd(guestCr0Cd);
        Ept.Entry e = EptPolicy.decide(p, page).entry();
        assertThat(e.type()).isEqualTo(MemType.WB);
        boolean honours =
                (kvm.era() == KvmEra.V6_11 && selfSnoop) || (kvm.era() == KvmEra.V6_16_ON && !ignoreGuestPatQuirk);
        assertThat(e.ipat()).isEqualTo(!honours);
    }

    @Property
    void amdResolutionHasNoEptAndIsKnownOnlyForGuestWcOrUcMinusOnRam(
            @ForAll("mainline") KvmVersion kvm,
            @ForAll boolean mmio,
            @ForAll("pat") MemType guestPat,
            @ForAll boolean noncoherentDma) {
        KvmPlatform p = new KvmPlatform(CpuVendor.AMD, kvm, false, true, true);
        GuestPage page = GuestPage.ram(guestPat).withMmio(mmio).withNoncoherentDma(noncoherentDma);
        GuestMemtype.Resolution r = GuestMemtype.resolve(p, page);
        assertThat(r.ept()).isEmpty();
        boolean verified = !mmio && (guestPat == MemType.WC || guestPat == MemType.UC_MINUS);
        assertThat(r.effective() instanceof Effective.Known).isEqualTo(verified);
    }
}
