package org.memtypelab.core.memtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DOMAIN 1.4, rules 2-5: the Intel EPT leaf type, IPAT, guest PAT and hardware CR0.CD. */
class EptTest {

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow();
    }

    static MemType eff(MemType ept, boolean ipat, MemType guestPat) {
        return Ept.access(new Ept.Entry(ept, ipat), guestPat, false).type();
    }

    @Test
    void hardwareCr0CdGivesUcWhateverEptAndPat() {
        for (MemType ept : MemType.EPT_TYPES) {
            for (MemType pat : MemType.PAT_TYPES) {
                for (boolean ipat : new boolean[] {false, true}) {
                    Ept.Access.Effective e = Ept.access(new Ept.Entry(ept, ipat), pat, true);
                    assertThat(e.type())
                            .as("EPT %s ipat=%s PAT %s", ept, ipat, pat)
                            .isEqualTo(MemType.UC);
                    assertThat(e.because()).anyMatch(b -> b.contains("DOMAIN rule 2"));
                }
            }
        }
    }

    @Test
    void ipatSetGivesTheEptTypeAndIgnoresGuestPat() {
        for (MemType ept : MemType.EPT_TYPES) {
            for (MemType pat : MemType.PAT_TYPES) {
                Ept.Access.Effective e = Ept.access(new Ept.Entry(ept, true), pat, false);
                assertThat(e.type()).as("EPT %s PAT %s", ept, pat).isEqualTo(ept);
                assertThat(e.because()).anyMatch(b -> b.contains("DOMAIN rule 3"));
            }
        }
    }

    @ParameterizedTest(name = "DOMAIN rule 4: EPT {0} without IPAT x guest PAT {1} -> {2} (grid, EPT in MTRR role)")
    @CsvSource({
        "UC, UC,  UC", "UC, UC-, UC", "UC, WC,  WC", "UC, WT,  UC", "UC, WB,  UC", "UC, WP,  UC",
        "WC, UC,  UC", "WC, UC-, WC", "WC, WC,  WC", "WC, WT,  UC", "WC, WB,  WC", "WC, WP,  UC",
        "WT, UC,  UC", "WT, UC-, UC", "WT, WC,  WC", "WT, WT,  WT", "WT, WB,  WT", "WT, WP,  WP",
        "WB, UC,  UC", "WB, UC-, UC", "WB, WC,  WC", "WB, WT,  WT", "WB, WB,  WB", "WB, WP,  WP",
        "WP, UC,  UC", "WP, UC-, WC", "WP, WC,  WC", "WP, WT,  WT", "WP, WB,  WP", "WP, WP,  WP"
    })
    void ipatClearAppliesTheGridWithEptInTheMtrrRole(String ept, String pat, String expected) {
        Ept.Access.Effective e = Ept.access(new Ept.Entry(t(ept), false), t(pat), false);
        assertThat(e.type()).isEqualTo(t(expected));
        assertThat(e.because()).anyMatch(b -> b.contains("DOMAIN rule 4"));
    }

    @Test
    void ipatClearOnUcPatCarriesTheFootnoteTwoSnoopReason() {
        Ept.Access.Effective e = Ept.access(new Ept.Entry(MemType.WB, false), MemType.UC, false);
        assertThat(e.because()).contains(Snoop.UC_FROM_PAT_SNOOPS.explanation());
    }

    @Test
    void derivedEptWbWithIpatIsAlwaysWbSoGuestWcAndUcAreLost() {
        for (MemType pat : MemType.PAT_TYPES) {
            assertThat(eff(MemType.WB, true, pat)).isEqualTo(MemType.WB);
        }
    }

    @Test
    void derivedEptWbWithoutIpatIsTheGuestPatTypeWithUcMinusAsUc() {
        for (MemType pat : MemType.PAT_TYPES) {
            assertThat(eff(MemType.WB, false, pat)).isEqualTo(pat == MemType.UC_MINUS ? MemType.UC : pat);
        }
    }

    @Test
    void derivedEptUcWithoutIpatIsUcExceptGuestWc() {
        for (MemType pat : MemType.PAT_TYPES) {
            assertThat(eff(MemType.UC, false, pat)).isEqualTo(pat == MemType.WC ? MemType.WC : MemType.UC);
        }
    }

    @Test
    void derivedEptWcWithIpatIsAlwaysWc() {
        for (MemType pat : MemType.PAT_TYPES) {
            assertThat(eff(MemType.WC, true, pat)).isEqualTo(MemType.WC);
        }
    }

    @ParameterizedTest(name = "DOMAIN 1.1: EPT bits {0} decode to {1}")
    @CsvSource({"0, UC", "1, WC", "4, WT", "5, WP", "6, WB"})
    void validEptBitsDecodeAndApplyTheRules(int bits, String type) {
        Ept.Access a = Ept.access(bits, true, MemType.UC, false);
        assertThat(a).isInstanceOf(Ept.Access.Effective.class);
        assertThat(((Ept.Access.Effective) a).type()).isEqualTo(t(type));
    }

    @Test
    void eptEntryRejectsUcMinus() {
        assertThatThrownBy(() -> new Ept.Entry(MemType.UC_MINUS, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an EPT type");
    }
}
