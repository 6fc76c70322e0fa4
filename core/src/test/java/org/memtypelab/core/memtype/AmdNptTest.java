package org.memtypelab.core.memtype;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DOMAIN 1.5 and rule 6: AMD NPT under KVM answers only the verified cells. */
class AmdNptTest {

    static MemType t(String label) {
        return MemType.parse(label).orElseThrow();
    }

    @Test
    void guestWcOverHostWbBecomesWcPlus() {
        Effective e = AmdNpt.access(MemType.WC, MemType.WB, false);
        assertThat(e).isEqualTo(new Effective.Known(MemType.WC_PLUS, e.because()));
        assertThat(e.label()).isEqualTo("WC+");
        assertThat(e.because()).anyMatch(b -> b.contains("DOMAIN rule 6") && b.contains("WC+"));
    }

    @Test
    void guestUcMinusOverHostWbBecomesCd() {
        Effective e = AmdNpt.access(MemType.UC_MINUS, MemType.WB, false);
        assertThat(e).isInstanceOf(Effective.Known.class);
        assertThat(((Effective.Known) e).type()).isEqualTo(MemType.CD);
        assertThat(e.because()).anyMatch(b -> b.contains("DOMAIN rule 6"));
    }

    @ParameterizedTest(name = "DOMAIN rule 6: AMD guest {0} over host WB is unknown, never guessed")
    @CsvSource({"UC", "WT", "WP", "WB"})
    void everyOtherGuestTypeIsUnknown(String guestPat) {
        Effective e = AmdNpt.access(t(guestPat), MemType.WB, false);
        assertThat(e).isInstanceOf(Effective.Unknown.class);
        assertThat(e.label()).isEqualTo("unknown");
        assertThat(e.because()).anyMatch(b -> b.contains("DOMAIN 1.5") || b.contains("DOMAIN rule 6"));
    }

    @ParameterizedTest(name = "DOMAIN rule 6: AMD guest {0} with host MTRR {1} is unknown")
    @CsvSource({"WC, UC", "WC, WC", "WC, WT", "WC, WP", "UC-, UC", "UC-, WT"})
    void aKnownGuestCellOverANonWbHostMtrrIsUnknown(String guestPat, String hostMtrr) {
        assertThat(AmdNpt.access(t(guestPat), t(hostMtrr), false)).isInstanceOf(Effective.Unknown.class);
    }

    @Test
    void everyGuestTypeExceptWcAndUcMinusIsUnknownForEveryHostMtrr() {
        for (MemType g : MemType.PAT_TYPES) {
            for (MemType m : MemType.MTRR_TYPES) {
                Effective e = AmdNpt.access(g, m, false);
                boolean verified = m == MemType.WB && (g == MemType.WC || g == MemType.UC_MINUS);
                assertThat(e instanceof Effective.Known)
                        .as("guest %s host MTRR %s", g, m)
                        .isEqualTo(verified);
            }
        }
    }

    @Test
    void guestCr0CdOnAmdIsVirtualisedByHardwareAndNotGuessed() {
        // DOMAIN rule 6: SVM virtualises CR0.CD; DOMAIN.md records no resulting type.
        assertThat(AmdNpt.access(MemType.WB, MemType.WB, true)).isInstanceOf(Effective.Unknown.class);
        assertThat(AmdNpt.access(MemType.WC, MemType.WB, true)).isInstanceOf(Effective.Unknown.class);
    }
}
