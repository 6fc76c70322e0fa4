package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.coherency.Coherence.Relation;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;

/** DOMAIN rule 10a, SDM footnote 2 (DOMAIN 1.3) and rule 6: which aliases the platform keeps coherent. */
class CoherenceTest {

    @ParameterizedTest(name = "DOMAIN 10a: {0} self-snoop {1}: {2} vs {3} -> {4}")
    @CsvSource({
        // WC aliased with a cacheable type: stale on Intel without self-snoop, coherent with it
        "INTEL, false, WB,  WC,  STALE",
        "INTEL, false, WC,  WB,  STALE",
        "INTEL, false, WT,  WC,  STALE",
        "INTEL, false, WP,  WC,  STALE",
        "INTEL, true,  WB,  WC,  BENIGN",
        "INTEL, true,  WC,  WT,  BENIGN",
        // UC from the PAT snoops (SDM footnote 2), self-snoop or not
        "INTEL, false, WB,  UC,  BENIGN",
        "INTEL, false, UC-, WB,  BENIGN",
        // AMD WC+ and CD snoop (rule 6)
        "AMD,   false, WB,  WC+, BENIGN",
        "AMD,   false, CD,  WB,  BENIGN",
        // both cached or both uncached
        "INTEL, false, WB,  WT,  BENIGN",
        "INTEL, false, WB,  WP,  BENIGN",
        "INTEL, false, WC,  UC,  BENIGN",
        "INTEL, false, UC-, WC,  BENIGN",
        // same type
        "INTEL, false, WC,  WC,  SAME",
        "INTEL, false, WB,  WB,  SAME",
        "AMD,   false, WC+, WC+, SAME"
    })
    void relationOfTwoCpuMappings(CpuVendor cpu, boolean selfSnoop, String a, String b, Relation expected) {
        Coherence c = new Coherence(cpu, selfSnoop);
        assertThat(c.between(type(a), type(b))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "SDM footnote 2 / rule 6: {0} from the PAT snoops on every platform")
    @EnumSource(
            value = MemType.class,
            names = {"UC", "UC_MINUS", "WC_PLUS", "CD"})
    void uncachedTypesThatSnoopDoSoWhateverTheCpu(MemType t) {
        for (CpuVendor cpu : CpuVendor.values()) {
            for (boolean selfSnoop : new boolean[] {false, true}) {
                assertThat(new Coherence(cpu, selfSnoop).uncachedAccessSnoops(t))
                        .as("%s on %s self-snoop %s", t, cpu, selfSnoop)
                        .isTrue();
            }
        }
    }

    @ParameterizedTest(name = "DOMAIN 10a: plain WC snoops only on a self-snoop CPU ({0})")
    @CsvSource({"false, false", "true, true"})
    void plainWcSnoopsOnlyWithSelfSnoop(boolean selfSnoop, boolean snoops) {
        assertThat(new Coherence(CpuVendor.INTEL, selfSnoop).uncachedAccessSnoops(MemType.WC))
                .isEqualTo(snoops);
    }

    @ParameterizedTest(name = "why({1} vs {2}) on {0} cites \"{3}\"")
    @CsvSource({
        "false, WB, WC,  DOMAIN rule 10a",
        "true,  WB, WC,  377b2f359d1f",
        "false, WB, UC,  SDM footnote 2",
        "false, WB, WC+, DOMAIN rule 6",
        "false, CD, WB,  DOMAIN rule 6",
        "false, WB, WT,  both cached",
        "false, UC, WC,  both uncached"
    })
    void whyCitesTheRule(boolean selfSnoop, String a, String b, String cited) {
        CpuVendor cpu = a.equals("CD") || b.equals("WC+") ? CpuVendor.AMD : CpuVendor.INTEL;
        assertThat(new Coherence(cpu, selfSnoop).why(type(a), type(b))).contains(cited);
    }

    /** Every CPU vendor, with and without self-snoop, and every ordered pair of memory types. */
    static Stream<Arguments> everyPlatformAndTypePair() {
        return Arrays.stream(CpuVendor.values())
                .flatMap(cpu -> Stream.of(false, true)
                        .flatMap(selfSnoop -> Arrays.stream(MemType.values())
                                .flatMap(a ->
                                        Arrays.stream(MemType.values()).map(b -> Arguments.of(cpu, selfSnoop, a, b)))));
    }

    @ParameterizedTest(name = "{0} self-snoop {1}: between({2}, {3}) = between({3}, {2})")
    @MethodSource("everyPlatformAndTypePair")
    void betweenIsSymmetric(CpuVendor cpu, boolean selfSnoop, MemType a, MemType b) {
        Coherence c = new Coherence(cpu, selfSnoop);
        assertThat(c.between(a, b)).isEqualTo(c.between(b, a));
    }

    @ParameterizedTest(name = "DOMAIN 10a: {0} self-snoop {1}: {2} vs {3}")
    @MethodSource("everyPlatformAndTypePair")
    void onlyACacheableTypeAgainstANonSnoopingUncachedOneIsStale(
            CpuVendor cpu, boolean selfSnoop, MemType a, MemType b) {
        Coherence c = new Coherence(cpu, selfSnoop);
        boolean mixed = a.isCacheable() != b.isCacheable();
        MemType uncached = a.isCacheable() ? b : a;
        boolean stale = mixed && uncached == MemType.WC && !selfSnoop;
        assertThat(c.between(a, b) == Relation.STALE).isEqualTo(stale);
    }

    static MemType type(String label) {
        return MemType.parse(label).orElseThrow();
    }
}
