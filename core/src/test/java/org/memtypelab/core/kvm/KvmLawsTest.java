package org.memtypelab.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/**
 * Laws over DOMAIN 2.2 (rules 9-15) and the design patches of DOMAIN 9: exhaustive over every mainline kernel from 4.0
 * to 7.25 (every era of DOMAIN 2.2 and its boundaries) where the rest of the input is small, seeded where it is not.
 */
class KvmLawsTest {

    private static final boolean[] BOOLEANS = {false, true};
    private static final List<KvmVersion> MAINLINE = IntStream.rangeClosed(4, 7)
            .boxed()
            .flatMap(maj -> IntStream.rangeClosed(0, 25).mapToObj(min -> KvmVersion.of(maj, min)))
            .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
                // release candidates and stable patch levels where DOMAIN 2.2 says they matter (rules 14, 15)
                Stream.of("6.11-rc1", "6.11-rc7", "6.11.5", "6.12.77", "6.12.78", "6.12.200")
                        .map(KvmVersion::of)
                        .forEach(l::add);
                return List.copyOf(l);
            }));
    /** The first and last kernel of every era of DOMAIN 2.2, drawn as often as all other kernels together. */
    private static final List<KvmVersion> EDGES = Stream.of(
                    "5.6",
                    "6.6",
                    "6.7",
                    "6.10",
                    "6.11-rc1",
                    "6.11-rc7",
                    "6.11",
                    "6.12",
                    "6.12.77",
                    "6.12.78",
                    "6.15",
                    "6.16")
            .map(KvmVersion::of)
            .toList();

    static List<KvmVersion> mainline() {
        return MAINLINE;
    }

    @ParameterizedTest(name = "DOMAIN rule 9: kvm {0}, MMIO on every platform and guest state -> EPT UC without IPAT")
    @MethodSource("mainline")
    void mmioIsAlwaysEptUcWithoutIpatInEveryEra(KvmVersion kvm) {
        for (boolean selfSnoop : BOOLEANS) {
            for (boolean ignoreGuestPatQuirk : BOOLEANS) {
                for (boolean cdNwQuirk : BOOLEANS) {
                    KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, kvm, selfSnoop, ignoreGuestPatQuirk, cdNwQuirk);
                    for (MemType guestPat : MemType.PAT_TYPES) {
                        for (MemType guestMtrr : MemType.MTRR_TYPES) {
                            for (boolean guestCr0Cd : BOOLEANS) {
                                for (boolean noncoherentDma : BOOLEANS) {
                                    GuestPage page = GuestPage.ram(guestPat)
                                            .withMmio(true)
                                            .withGuestMtrr(guestMtrr)
                                            .withGuestCr0Cd(guestCr0Cd)
                                            .withNoncoherentDma(noncoherentDma);
                                    assertThat(EptPolicy.decide(p, page).entry())
                                            .as("%s, %s", p, page)
                                            .isEqualTo(new Ept.Entry(MemType.UC, false));
                                    // DOMAIN rule 9 consequence: eff = grid(UC, PAT(g)) = UC except guest WC -> WC.
                                    Effective e = GuestMemtype.resolve(p, page).effective();
                                    assertThat(e.label())
                                            .as("%s, %s", p, page)
                                            .isEqualTo(guestPat == MemType.WC ? "WC" : "UC");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Seeds 1 to 500, so a run's index in a test report is its seed. */
    static IntStream seeds() {
        return IntStream.rangeClosed(1, 500);
    }

    /** Every subset of the design patches of DOMAIN 9. */
    static List<Set<DesignPatch>> everyPatchSet() {
        DesignPatch[] all = DesignPatch.values();
        List<Set<DesignPatch>> sets = new ArrayList<>();
        for (int mask = 0; mask < 1 << all.length; mask++) {
            Set<DesignPatch> set = EnumSet.noneOf(DesignPatch.class);
            for (int i = 0; i < all.length; i++) {
                if ((mask & (1 << i)) != 0) {
                    set.add(all[i]);
                }
            }
            sets.add(set);
        }
        return sets;
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /**
     * The platform and page are drawn from {@code seed} (13 inputs, about 10^9 combinations in all); the law is
     * checked for that draw under every subset of design patches.
     */
    @ParameterizedTest(name = "seed {0}, every subset of design patches")
    @MethodSource("seeds")
    void intelResolutionIsAlwaysKnown(int seed) {
        Random random = new Random(seed);
        KvmVersion mainline = pick(random, random.nextBoolean() ? MAINLINE : EDGES);
        boolean selfSnoop = random.nextBoolean();
        boolean ignoreGuestPatQuirk = random.nextBoolean();
        boolean cdNwQuirk = random.nextBoolean();
        int slotType = random.nextInt(MemType.PAT_TYPES.size() + 1);
        GuestPage page = new GuestPage(
                random.nextBoolean(),
                pick(random, MemType.PAT_TYPES),
                pick(random, MemType.MTRR_TYPES),
                random.nextBoolean(),
                random.nextBoolean(),
                new GuestPage.Slot(
                        pick(random, MemType.PAT_TYPES),
                        random.nextBoolean(),
                        random.nextBoolean(),
                        slotType == 0 ? Optional.empty() : Optional.of(MemType.PAT_TYPES.get(slotType - 1)),
                        random.nextBoolean(),
                        pick(random, MemType.PAT_TYPES)));
        for (Set<DesignPatch> patches : everyPatchSet()) {
            KvmVersion kvm =
                    new KvmVersion(mainline.major(), mainline.minor(), mainline.patch(), mainline.rc(), patches);
            KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, kvm, selfSnoop, ignoreGuestPatQuirk, cdNwQuirk);
            GuestMemtype.Resolution r = GuestMemtype.resolve(p, page);
            String input = "seed " + seed + ": " + p + ", " + page;
            assertThat(r.effective()).as(input).isInstanceOf(Effective.Known.class);
            assertThat(r.ept()).as(input).isPresent();
            assertThat(((Effective.Known) r.effective()).type()).as(input).isIn(MemType.MTRR_TYPES);
            assertThat(r.effective().because()).as(input).anyMatch(b -> b.contains("DOMAIN"));
        }
    }

    static Stream<Arguments> mainlineSelfSnoopAndQuirk() {
        return MAINLINE.stream()
                .flatMap(kvm -> Stream.of(false, true)
                        .flatMap(
                                selfSnoop -> Stream.of(false, true).map(quirk -> Arguments.of(kvm, selfSnoop, quirk))));
    }

    @ParameterizedTest(name = "DOMAIN 2.2: kvm {0}, self-snoop {1}, IGNORE_GUEST_PAT quirk {2}: RAM -> EPT WB")
    @MethodSource("mainlineSelfSnoopAndQuirk")
    void withoutNoncoherentDmaTheEptTypeIsWbOnRamInEveryMainlineEra(
            KvmVersion kvm, boolean selfSnoop, boolean ignoreGuestPatQuirk) {
        // DOMAIN 2.2, middle column: always WB; only IPAT varies (rules 10, 14, 15).
        KvmPlatform p = new KvmPlatform(CpuVendor.INTEL, kvm, selfSnoop, ignoreGuestPatQuirk, true);
        boolean honours =
                (kvm.era() == KvmEra.V6_11_RC && selfSnoop) || (kvm.era() == KvmEra.QUIRK && !ignoreGuestPatQuirk);
        for (MemType guestPat : MemType.PAT_TYPES) {
            for (MemType guestMtrr : MemType.MTRR_TYPES) {
                for (boolean guestCr0Cd : BOOLEANS) {
                    GuestPage page =
                            GuestPage.ram(guestPat).withGuestMtrr(guestMtrr).withGuestCr0Cd(guestCr0Cd);
                    Ept.Entry e = EptPolicy.decide(p, page).entry();
                    assertThat(e.type()).as("%s", page).isEqualTo(MemType.WB);
                    assertThat(e.ipat()).as("%s", page).isEqualTo(!honours);
                }
            }
        }
    }

    static Stream<Arguments> mmioGuestPatAndDma() {
        return Stream.of(false, true)
                .flatMap(mmio -> MemType.PAT_TYPES.stream()
                        .flatMap(pat -> Stream.of(false, true).map(dma -> Arguments.of(mmio, pat, dma))));
    }

    @ParameterizedTest(name = "DOMAIN 1.5: AMD, mmio {0}, guest PAT {1}, non-coherent DMA {2}, every mainline kernel")
    @MethodSource("mmioGuestPatAndDma")
    void amdResolutionHasNoEptAndIsKnownOnlyForGuestWcOrUcMinusOnRam(
            boolean mmio, MemType guestPat, boolean noncoherentDma) {
        GuestPage page = GuestPage.ram(guestPat).withMmio(mmio).withNoncoherentDma(noncoherentDma);
        boolean verified = !mmio && (guestPat == MemType.WC || guestPat == MemType.UC_MINUS);
        for (KvmVersion kvm : MAINLINE) {
            KvmPlatform p = new KvmPlatform(CpuVendor.AMD, kvm, false, true, true);
            GuestMemtype.Resolution r = GuestMemtype.resolve(p, page);
            assertThat(r.ept()).as("kvm %s", kvm).isEmpty();
            assertThat(r.effective() instanceof Effective.Known)
                    .as("kvm %s", kvm)
                    .isEqualTo(verified);
        }
    }
}
