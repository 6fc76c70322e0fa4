package org.memtypelab.core.memtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DOMAIN 1.2 and rule 7: the IA32_PAT MSR, PTE index and the reset / Linux layouts. */
class PatMsrTest {

    @ParameterizedTest(name = "DOMAIN rule 7: PAT={0} PCD={1} PWT={2} -> index {3}")
    @CsvSource({
        "false, false, false, 0",
        "false, false, true,  1",
        "false, true,  false, 2",
        "false, true,  true,  3",
        "true,  false, false, 4",
        "true,  false, true,  5",
        "true,  true,  false, 6",
        "true,  true,  true,  7"
    })
    void pteIndexIsFourPatPlusTwoPcdPlusPwt(boolean pat, boolean pcd, boolean pwt, int index) {
        assertThat(PatMsr.index(pat, pcd, pwt)).isEqualTo(index);
    }

    @ParameterizedTest(name = "DOMAIN 1.2: reset IA32_PAT entry {0} = {1}")
    @CsvSource({"0, WB", "1, WT", "2, UC-", "3, UC", "4, WB", "5, WT", "6, UC-", "7, UC"})
    void resetLayoutEntryByEntry(int index, String type) {
        assertThat(PatMsr.RESET.entry(index)).isEqualTo(MemType.parse(type));
    }

    @ParameterizedTest(name = "DOMAIN 1.2: Linux IA32_PAT entry {0} = {1}")
    @CsvSource({"0, WB", "1, WC", "2, UC-", "3, UC", "4, WB", "5, WP", "6, UC-", "7, WT"})
    void linuxLayoutEntryByEntry(int index, String type) {
        assertThat(PatMsr.LINUX.entry(index)).isEqualTo(MemType.parse(type));
    }

    @ParameterizedTest(name = "DOMAIN 1.2: Linux errata IA32_PAT entry {0} = {1}")
    @CsvSource({"0, WB", "1, WC", "2, UC-", "3, UC", "4, WB", "5, WC", "6, UC-", "7, UC"})
    void linuxErrataLayoutReplacesWpAndWtWithWcAndUc(int index, String type) {
        assertThat(PatMsr.LINUX_ERRATA.entry(index)).isEqualTo(MemType.parse(type));
    }

    @Test
    void msrValuesAreTheDomainConstants() {
        assertThat(PatMsr.RESET.value()).isEqualTo(0x0007040600070406L);
        assertThat(PatMsr.LINUX.value()).isEqualTo(0x0407050600070106L);
    }

    @ParameterizedTest(name = "DOMAIN 1.2: the {0} IA32_PAT value {1} decodes to {2}")
    @CsvSource({
        "reset (pre-PAT scheme), 0x0007040600070406, WB WT UC- UC WB WT UC- UC",
        "Linux, 0x0407050600070106, WB WC UC- UC WB WP UC- WT"
    })
    void decodingAnMsrValueGivesItsEightEntries(String layout, String msr, String types) {
        List<Optional<MemType>> expected =
                Arrays.stream(types.split(" ")).map(MemType::parse).toList();
        assertThat(expected).as("the table names eight known types").hasSize(8).allMatch(Optional::isPresent);

        assertThat(new PatMsr(Long.decode(msr)).entries()).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "DOMAIN 1.2: Linux PTE PAT={0} PCD={1} PWT={2} -> {3}")
    @CsvSource({
        "false, false, false, WB",
        "false, false, true,  WC",
        "false, true,  false, UC-",
        "false, true,  true,  UC",
        "true,  false, true,  WP",
        "true,  true,  true,  WT"
    })
    void linuxPteBitsSelectTheDomainTypes(boolean pat, boolean pcd, boolean pwt, String type) {
        assertThat(PatMsr.LINUX.select(pat, pcd, pwt)).isEqualTo(MemType.parse(type));
    }

    @Test
    void resetLayoutWithPatBitClearBehavesLikePcdPwt() {
        // DOMAIN 1.2: PAT=0 PTEs behave like the pre-PAT PCD/PWT scheme.
        assertThat(PatMsr.RESET.select(false, false, false)).contains(MemType.WB);
        assertThat(PatMsr.RESET.select(false, false, true)).contains(MemType.WT);
        assertThat(PatMsr.RESET.select(false, true, false)).contains(MemType.UC_MINUS);
        assertThat(PatMsr.RESET.select(false, true, true)).contains(MemType.UC);
    }

    @Test
    void linuxKernelAsksForWcWithPwtAndForUcMinusWithPcd() {
        assertThat(PatMsr.LINUX.indexOf(MemType.WC)).contains(1);
        assertThat(PatMsr.LINUX.indexOf(MemType.UC_MINUS)).contains(2);
        assertThat(PatMsr.LINUX.indexOf(MemType.UC)).contains(3);
        assertThat(PatMsr.RESET.indexOf(MemType.WC)).isEmpty();
    }

    @Test
    void reservedEncodingsInAnEntryDecodeToEmpty() {
        // DOMAIN 1.1: PAT encodings 2 and 3 are reserved; anything above 7 is not a type either.
        PatMsr msr = new PatMsr(0x0000000000ff0302L);
        assertThat(msr.entry(0)).isEmpty();
        assertThat(msr.entry(1)).isEmpty();
        assertThat(msr.entry(2)).isEmpty();
        assertThat(msr.entry(3)).contains(MemType.UC);
    }

    @Test
    void indexOutsideZeroToSevenIsRejected() {
        assertThatThrownBy(() -> PatMsr.LINUX.entry(8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PAT index must be 0..7, was 8");
        assertThatThrownBy(() -> PatMsr.LINUX.entry(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PAT index must be 0..7, was -1");
    }

    @Test
    void amdNptSelectsLinuxPatIndexZeroWhichIsWb() {
        // DOMAIN 1.5 / rule 6: NPT entries carry no PAT bits -> host PAT index 0 = WB under Linux.
        assertThat(AmdNpt.HOST_PAT).isEqualTo(MemType.WB);
    }
}
