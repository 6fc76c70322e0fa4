package org.memtypelab.core.memtype;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** jqwik laws over DOMAIN 1.3 and 1.4 (rules 1, 3, 4). */
class MemtypeLawsTest {

    @Provide
    Arbitrary<MemType> mtrr() {
        return Arbitraries.of(MemType.MTRR_TYPES);
    }

    @Provide
    Arbitrary<MemType> pat() {
        return Arbitraries.of(MemType.PAT_TYPES);
    }

    @Provide
    Arbitrary<MemType> ept() {
        return Arbitraries.of(MemType.EPT_TYPES);
    }

    @Property
    void patWcGivesWcForEveryMtrr(@ForAll("mtrr") MemType mtrr) {
        assertThat(MtrrPatTable.effective(mtrr, MemType.WC)).isEqualTo(MemType.WC);
    }

    @Property
    void wbMtrrRowIsTheIdentityExceptUcMinusToUc(@ForAll("pat") MemType pat) {
        MemType expected = pat == MemType.UC_MINUS ? MemType.UC : pat;
        assertThat(MtrrPatTable.effective(MemType.WB, pat)).isEqualTo(expected);
    }

    @Property
    void eptWbWithoutIpatIsTheIdentityOnGuestPatExceptUcMinusToUc(@ForAll("pat") MemType guestPat) {
        MemType expected = guestPat == MemType.UC_MINUS ? MemType.UC : guestPat;
        assertThat(Ept.access(new Ept.Entry(MemType.WB, false), guestPat, false).type())
                .isEqualTo(expected);
    }

    @Property
    void eptWithIpatGivesTheEptTypeForEveryGuestPat(@ForAll("ept") MemType ept, @ForAll("pat") MemType guestPat) {
        assertThat(Ept.access(new Ept.Entry(ept, true), guestPat, false).type()).isEqualTo(ept);
    }

    @Property
    void eptWithoutIpatAgreesWithTheGrid(@ForAll("ept") MemType ept, @ForAll("pat") MemType guestPat) {
        assertThat(Ept.access(new Ept.Entry(ept, false), guestPat, false).type())
                .isEqualTo(MtrrPatTable.effective(ept, guestPat));
    }

    @Property
    void gridNeverYieldsUcMinusOrAmdTypes(@ForAll("mtrr") MemType mtrr, @ForAll("pat") MemType pat) {
        assertThat(MtrrPatTable.effective(mtrr, pat)).isIn(MemType.MTRR_TYPES);
    }

    @Property
    void eptBitsAreEitherATypeOrAMisconfiguration(@ForAll("bits") int bits, @ForAll("pat") MemType guestPat) {
        Ept.Access a = Ept.access(bits, false, guestPat, false);
        boolean reserved = bits == 2 || bits == 3 || bits == 7;
        assertThat(a instanceof Ept.Access.Misconfiguration).isEqualTo(reserved);
    }

    @Provide
    Arbitrary<Integer> bits() {
        return Arbitraries.integers().between(0, 7);
    }
}
