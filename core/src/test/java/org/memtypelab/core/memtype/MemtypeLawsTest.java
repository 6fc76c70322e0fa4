package org.memtypelab.core.memtype;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Laws over DOMAIN 1.3 and 1.4 (rules 1, 3, 4), checked on every cell of the finite grids. */
class MemtypeLawsTest {

    static List<MemType> mtrr() {
        return MemType.MTRR_TYPES;
    }

    static List<MemType> pat() {
        return MemType.PAT_TYPES;
    }

    static Stream<Arguments> mtrrTimesPat() {
        return product(MemType.MTRR_TYPES, MemType.PAT_TYPES);
    }

    static Stream<Arguments> eptTimesPat() {
        return product(MemType.EPT_TYPES, MemType.PAT_TYPES);
    }

    /** Every value of EPT bits 5:3, with every guest PAT type. */
    static Stream<Arguments> eptBitsTimesPat() {
        return IntStream.rangeClosed(0, 7)
                .boxed()
                .flatMap(bits -> MemType.PAT_TYPES.stream().map(pat -> Arguments.of(bits, pat)));
    }

    private static Stream<Arguments> product(List<MemType> rows, List<MemType> columns) {
        return rows.stream().flatMap(r -> columns.stream().map(c -> Arguments.of(r, c)));
    }

    @ParameterizedTest(name = "DOMAIN 1.3: MTRR {0} x PAT WC -> WC")
    @MethodSource("mtrr")
    void patWcGivesWcForEveryMtrr(MemType mtrr) {
        assertThat(MtrrPatTable.effective(mtrr, MemType.WC)).isEqualTo(MemType.WC);
    }

    @ParameterizedTest(name = "DOMAIN 1.3: MTRR WB x PAT {0}")
    @MethodSource("pat")
    void wbMtrrRowIsTheIdentityExceptUcMinusToUc(MemType pat) {
        MemType expected = pat == MemType.UC_MINUS ? MemType.UC : pat;
        assertThat(MtrrPatTable.effective(MemType.WB, pat)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "DOMAIN 1.4: EPT WB without IPAT x guest PAT {0}")
    @MethodSource("pat")
    void eptWbWithoutIpatIsTheIdentityOnGuestPatExceptUcMinusToUc(MemType guestPat) {
        MemType expected = guestPat == MemType.UC_MINUS ? MemType.UC : guestPat;
        assertThat(Ept.access(new Ept.Entry(MemType.WB, false), guestPat, false).type())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "DOMAIN 1.4: EPT {0} with IPAT x guest PAT {1} -> {0}")
    @MethodSource("eptTimesPat")
    void eptWithIpatGivesTheEptTypeForEveryGuestPat(MemType ept, MemType guestPat) {
        assertThat(Ept.access(new Ept.Entry(ept, true), guestPat, false).type()).isEqualTo(ept);
    }

    @ParameterizedTest(name = "DOMAIN 1.4: EPT {0} without IPAT x guest PAT {1} agrees with the grid")
    @MethodSource("eptTimesPat")
    void eptWithoutIpatAgreesWithTheGrid(MemType ept, MemType guestPat) {
        assertThat(Ept.access(new Ept.Entry(ept, false), guestPat, false).type())
                .isEqualTo(MtrrPatTable.effective(ept, guestPat));
    }

    @ParameterizedTest(name = "DOMAIN 1.3: MTRR {0} x PAT {1} is an MTRR type")
    @MethodSource("mtrrTimesPat")
    void gridNeverYieldsUcMinusOrAmdTypes(MemType mtrr, MemType pat) {
        assertThat(MtrrPatTable.effective(mtrr, pat)).isIn(MemType.MTRR_TYPES);
    }

    @ParameterizedTest(name = "rule 5: EPT bits {0} x guest PAT {1}")
    @MethodSource("eptBitsTimesPat")
    void eptBitsAreEitherATypeOrAMisconfiguration(int bits, MemType guestPat) {
        Ept.Access a = Ept.access(bits, false, guestPat, false);
        boolean reserved = bits == 2 || bits == 3 || bits == 7;
        assertThat(a instanceof Ept.Access.Misconfiguration).isEqualTo(reserved);
    }
}
