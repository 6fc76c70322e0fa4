package org.memtypelab.core.memtype;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DOMAIN 1.1: PAT, MTRR and EPT encodings of every memory type. */
class MemTypeEncodingTest {

    @ParameterizedTest(name = "DOMAIN 1.1: {0} -> PAT {1}, MTRR {2}, EPT {3}")
    @CsvSource({"UC, 0, 0, 0", "WC, 1, 1, 1", "WT, 4, 4, 4", "WP, 5, 5, 5", "WB, 6, 6, 6"})
    void typesValidEverywhereHaveTheSameEncodingInPatMtrrAndEpt(MemType type, int pat, int mtrr, int ept) {
        assertThat(type.patEncoding()).contains(pat);
        assertThat(type.mtrrEncoding()).contains(mtrr);
        assertThat(type.eptEncoding()).contains(ept);
        assertThat(MemType.fromPatEncoding(pat)).contains(type);
        assertThat(MemType.fromEptEncoding(ept)).contains(type);
        assertThat(type.isValidPat()).isTrue();
        assertThat(type.isValidMtrr()).isTrue();
        assertThat(type.isValidEpt()).isTrue();
    }

    @Test
    void ucMinusIsPatOnlyWithEncoding7() {
        assertThat(MemType.UC_MINUS.patEncoding()).contains(0x07);
        assertThat(MemType.fromPatEncoding(0x07)).contains(MemType.UC_MINUS);
        assertThat(MemType.UC_MINUS.mtrrEncoding()).isEmpty();
        assertThat(MemType.UC_MINUS.eptEncoding()).isEmpty();
        assertThat(MemType.UC_MINUS.isValidPat()).isTrue();
        assertThat(MemType.UC_MINUS.isValidMtrr()).isFalse();
        assertThat(MemType.UC_MINUS.isValidEpt()).isFalse();
    }

    @ParameterizedTest(name = "DOMAIN 1.1: PAT encoding {0} is reserved")
    @ValueSource(ints = {2, 3})
    void reservedPatEncodingsDecodeToNoType(int bits) {
        assertThat(MemType.fromPatEncoding(bits)).isEmpty();
    }

    @ParameterizedTest(name = "DOMAIN 1.1 / rule 5: EPT memtype {0} is reserved")
    @ValueSource(ints = {2, 3, 7})
    void reservedEptEncodingsDecodeToNoType(int bits) {
        assertThat(MemType.fromEptEncoding(bits)).isEmpty();
    }

    @ParameterizedTest(name = "DOMAIN rule 5: EPT memtype {0} -> EPT misconfiguration, not an access")
    @ValueSource(ints = {2, 3, 7})
    void reservedEptEncodingsCauseAMisconfiguration(int bits) {
        for (MemType guestPat : MemType.PAT_TYPES) {
            for (boolean ipat : new boolean[] {false, true}) {
                Ept.Access access = Ept.access(bits, ipat, guestPat, false);
                assertThat(access).isInstanceOf(Ept.Access.Misconfiguration.class);
                assertThat(((Ept.Access.Misconfiguration) access).bits()).isEqualTo(bits);
                assertThat(access.because()).anyMatch(b -> b.contains("DOMAIN rule 5"));
            }
        }
    }

    @Test
    void reservedEptTypeIsAMisconfigurationEvenWithGuestCr0CdSet() {
        assertThat(Ept.access(7, false, MemType.WB, true)).isInstanceOf(Ept.Access.Misconfiguration.class);
    }

    @Test
    void eptTypeSetsAreTheDomainTypeSets() {
        assertThat(MemType.PAT_TYPES)
                .containsExactly(MemType.UC, MemType.UC_MINUS, MemType.WC, MemType.WT, MemType.WB, MemType.WP);
        assertThat(MemType.MTRR_TYPES).containsExactly(MemType.UC, MemType.WC, MemType.WT, MemType.WB, MemType.WP);
        assertThat(MemType.EPT_TYPES)
                .containsExactlyInAnyOrder(MemType.UC, MemType.WC, MemType.WT, MemType.WP, MemType.WB);
    }

    @Test
    void amdOnlyTypesHaveNoIntelEncoding() {
        for (MemType amd : new MemType[] {MemType.WC_PLUS, MemType.CD}) {
            assertThat(amd.patEncoding()).isEmpty();
            assertThat(amd.mtrrEncoding()).isEmpty();
            assertThat(amd.eptEncoding()).isEmpty();
            assertThat(amd.isValidPat()).isFalse();
            assertThat(amd.isValidMtrr()).isFalse();
            assertThat(amd.isValidEpt()).isFalse();
        }
    }

    @Test
    void labelsUseTheDomainSpellingAndParseBack() {
        assertThat(MemType.UC_MINUS.label()).isEqualTo("UC-");
        assertThat(MemType.WC_PLUS.label()).isEqualTo("WC+");
        assertThat(MemType.parse("uc-")).contains(MemType.UC_MINUS);
        assertThat(MemType.parse("UC_MINUS")).contains(MemType.UC_MINUS);
        assertThat(MemType.parse(" wb ")).contains(MemType.WB);
        assertThat(MemType.parse("WC+")).contains(MemType.WC_PLUS);
        assertThat(MemType.parse("XX")).isEqualTo(Optional.empty());
        assertThat(MemType.parse(null)).isEmpty();
    }
}
