package org.memtypelab.core.memtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DOMAIN 1.3 and rule 1: Intel SDM Table 11-7, cell by cell with its footnotes. */
class MtrrPatTableTest {

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow(() -> new IllegalArgumentException("no type " + label));
    }

    /** Footnote column: "-" none, "1" UC from the MTRR (no snoop), "2" UC from the PAT (snoops). */
    @ParameterizedTest(name = "DOMAIN 1.3 / rule 1: MTRR {0} x PAT {1} -> {2} (footnote {3}, formerly undefined {4})")
    @CsvSource({
        // MTRR UC row
        "UC,  UC,  UC, 1, false",
        "UC,  UC-, UC, 1, false",
        "UC,  WC,  WC, -, false",
        "UC,  WT,  UC, 1, false",
        "UC,  WB,  UC, 1, false",
        "UC,  WP,  UC, 1, false",
        // MTRR WC row
        "WC,  UC,  UC, 2, false",
        "WC,  UC-, WC, -, false",
        "WC,  WC,  WC, -, false",
        "WC,  WT,  UC, 2, true",
        "WC,  WB,  WC, -, false",
        "WC,  WP,  UC, 2, true",
        // MTRR WT row
        "WT,  UC,  UC, 2, false",
        "WT,  UC-, UC, 2, false",
        "WT,  WC,  WC, -, false",
        "WT,  WT,  WT, -, false",
        "WT,  WB,  WT, -, false",
        "WT,  WP,  WP, -, true",
        // MTRR WB row
        "WB,  UC,  UC, 2, false",
        "WB,  UC-, UC, 2, false",
        "WB,  WC,  WC, -, false",
        "WB,  WT,  WT, -, false",
        "WB,  WB,  WB, -, false",
        "WB,  WP,  WP, -, false",
        // MTRR WP row
        "WP,  UC,  UC, 2, false",
        "WP,  UC-, WC, -, true",
        "WP,  WC,  WC, -, false",
        "WP,  WT,  WT, -, true",
        "WP,  WB,  WP, -, false",
        "WP,  WP,  WP, -, false"
    })
    void everyCellOfTheSdmGridMatchesDomain(
            String mtrr, String pat, String effective, String footnote, boolean formerlyUndefined) {
        MtrrPatTable.Cell cell = MtrrPatTable.lookup(t(mtrr), t(pat));
        Snoop snoop = switch (footnote) {
            case "1" -> Snoop.UC_FROM_MTRR_NO_SNOOP;
            case "2" -> Snoop.UC_FROM_PAT_SNOOPS;
            default -> Snoop.NONE;
        };
        assertThat(cell.type()).isEqualTo(t(effective));
        assertThat(cell.snoop()).isEqualTo(snoop);
        assertThat(cell.formerlyUndefined()).isEqualTo(formerlyUndefined);
        assertThat(MtrrPatTable.effective(t(mtrr), t(pat))).isEqualTo(t(effective));
    }

    @Test
    void gridHasExactlyThirtyCellsWithFiveFootnoteOneEightFootnoteTwoAndFiveFootnoteThree() {
        int total = 0;
        int one = 0;
        int two = 0;
        int three = 0;
        for (MemType m : MemType.MTRR_TYPES) {
            for (MemType p : MemType.PAT_TYPES) {
                MtrrPatTable.Cell c = MtrrPatTable.lookup(m, p);
                total++;
                one += c.snoop() == Snoop.UC_FROM_MTRR_NO_SNOOP ? 1 : 0;
                two += c.snoop() == Snoop.UC_FROM_PAT_SNOOPS ? 1 : 0;
                three += c.formerlyUndefined() ? 1 : 0;
            }
        }
        assertThat(total).isEqualTo(30);
        assertThat(one).isEqualTo(5);
        assertThat(two).isEqualTo(8);
        assertThat(three).isEqualTo(5);
    }

    @Test
    void footnotesOnlyEverAnnotateUcCells() {
        for (MemType m : MemType.MTRR_TYPES) {
            for (MemType p : MemType.PAT_TYPES) {
                MtrrPatTable.Cell c = MtrrPatTable.lookup(m, p);
                if (c.snoop() != Snoop.NONE) {
                    assertThat(c.type()).as("MTRR %s x PAT %s", m, p).isEqualTo(MemType.UC);
                }
            }
        }
    }

    @Test
    void sdmValueWinsOverBochsForMtrrWtPatWp() {
        // DOMAIN 1.3: Bochs returns WT here; the SDM (and Xen) say WP.
        assertThat(MtrrPatTable.effective(MemType.WT, MemType.WP)).isEqualTo(MemType.WP);
    }

    @Test
    void ucRowIsUcExceptPatWc() {
        for (MemType p : MemType.PAT_TYPES) {
            assertThat(MtrrPatTable.effective(MemType.UC, p)).isEqualTo(p == MemType.WC ? MemType.WC : MemType.UC);
        }
    }

    @Test
    void snoopExplanationsCiteTheirSdmFootnote() {
        assertThat(Snoop.UC_FROM_MTRR_NO_SNOOP.explanation()).contains("footnote 1");
        assertThat(Snoop.UC_FROM_PAT_SNOOPS.explanation()).contains("footnote 2");
    }

    @Test
    void ucMinusIsNotAnMtrrType() {
        assertThatThrownBy(() -> MtrrPatTable.lookup(MemType.UC_MINUS, MemType.WB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an MTRR type");
    }

    @Test
    void amdTypesAreNotPatTypes() {
        assertThatThrownBy(() -> MtrrPatTable.lookup(MemType.WB, MemType.WC_PLUS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PAT type");
    }
}
