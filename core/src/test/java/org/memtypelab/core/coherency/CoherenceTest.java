package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.coherency.Coherence.Relation;
import org.memtypelab.core.coherency.Coherence.Snooping;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;

/** DOMAIN rules 6, 10a, 10b, 15a and the SDM footnotes of 1.3: which aliases the platform keeps coherent. */
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
        "AMD,   false, UC,  WB,  BENIGN",
        // AMD WC+ and CD snoop (rule 6)
        "AMD,   false, WB,  WC+, BENIGN",
        "AMD,   false, CD,  WB,  BENIGN",
        // plain WC on AMD aliased with a cached type: self-snoop is Intel-only, and DOMAIN does not say (rule 15a)
        "AMD,   false, WC,  WB,  UNKNOWN",
        "AMD,   false, WT,  WC,  UNKNOWN",
        // both cached or both uncached
        "INTEL, false, WB,  WT,  BENIGN",
        "INTEL, false, WB,  WP,  BENIGN",
        "INTEL, false, WC,  UC,  BENIGN",
        "INTEL, false, UC-, WC,  BENIGN",
        "AMD,   false, WC,  WC+, BENIGN",
        // same type
        "INTEL, false, WC,  WC,  SAME",
        "INTEL, false, WB,  WB,  SAME",
        "AMD,   false, WC+, WC+, SAME"
    })
    void relationOfTwoHostMappings(CpuVendor cpu, boolean selfSnoop, String a, String b, Relation expected) {
        Coherence c = new Coherence(cpu, selfSnoop);
        assertThat(c.between(type(a), type(b))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "DOMAIN rule 10b: Intel self-snoop {0}: guest UC from the EPT vs {1} -> STALE")
    @CsvSource({"false, WB", "true, WB", "false, WT", "true, WP"})
    void ucFromTheEptTypeIsFootnoteOneAndMissesDirtyLines(boolean selfSnoop, String cached) {
        Coherence c = new Coherence(CpuVendor.INTEL, selfSnoop);
        Accessor.Cpu guest = new Accessor.Cpu(Who.GUEST, MemType.UC, true);
        Accessor.Cpu host = new Accessor.Cpu(Who.QEMU, type(cached));
        assertThat(c.snoops(guest)).isEqualTo(Snooping.NO);
        assertThat(c.between(guest, host)).isEqualTo(Relation.STALE);
        assertThat(c.between(host, guest)).isEqualTo(Relation.STALE);
        assertThat(c.why(guest, host)).contains("SDM footnote 1", "DOMAIN rule 10b");
    }

    @ParameterizedTest(name = "DOMAIN rule 10b: Intel self-snoop {0}: guest UC from the PAT vs WB -> BENIGN")
    @CsvSource({"false", "true"})
    void ucFromThePatIsFootnoteTwoAndSnoops(boolean selfSnoop) {
        Coherence c = new Coherence(CpuVendor.INTEL, selfSnoop);
        Accessor.Cpu guest = new Accessor.Cpu(Who.GUEST, MemType.UC, false);
        assertThat(c.snoops(guest)).isEqualTo(Snooping.YES);
        assertThat(c.between(guest, new Accessor.Cpu(Who.RENDERER, MemType.WB))).isEqualTo(Relation.BENIGN);
    }

    @ParameterizedTest(name = "SDM footnote 2 / rule 6: {0} from the PAT snoops on every platform")
    @EnumSource(
            value = MemType.class,
            names = {"UC", "UC_MINUS", "WC_PLUS", "CD"})
    void uncachedTypesThatSnoopDoSoWhateverTheCpu(MemType t) {
        for (Coherence c : platforms()) {
            assertThat(c.snoops(new Accessor.Cpu(Who.QEMU, t)))
                    .as("%s on %s", t, c)
                    .isEqualTo(Snooping.YES);
        }
    }

    @ParameterizedTest(name = "DOMAIN 10a / 15a: plain WC on {0} self-snoop {1} snoops: {2}")
    @CsvSource({"INTEL, false, NO", "INTEL, true, YES", "AMD, false, UNKNOWN"})
    void plainWcSnoopsOnlyOnAnIntelSelfSnoopCpu(CpuVendor cpu, boolean selfSnoop, Snooping expected) {
        assertThat(new Coherence(cpu, selfSnoop).snoops(new Accessor.Cpu(Who.RENDERER, MemType.WC)))
                .isEqualTo(expected);
    }

    @Test
    void selfSnoopIsIntelOnly() {
        // DOMAIN rule 15a: SELFSNOOP is CPUID.1:EDX[27], an Intel feature; model it as n/a on AMD
        assertThatThrownBy(() -> new Coherence(CpuVendor.AMD, true))
                .hasMessageContaining("Intel")
                .hasMessageContaining("rule 15a");
    }

    @ParameterizedTest(name = "why({2} vs {3}) on {0} self-snoop {1} cites \"{4}\"")
    @CsvSource({
        "INTEL, false, WB, WC,  DOMAIN rule 10a",
        "INTEL, true,  WB, WC,  377b2f359d1f",
        "INTEL, false, WB, UC,  SDM footnote 2",
        "AMD,   false, WB, WC+, DOMAIN rule 6",
        "AMD,   false, CD, WB,  DOMAIN rule 6",
        "AMD,   false, WC, WB,  not verified",
        "INTEL, false, WB, WT,  both cached",
        "INTEL, false, UC, WC,  both uncached"
    })
    void whyCitesTheRule(CpuVendor cpu, boolean selfSnoop, String a, String b, String cited) {
        Coherence c = new Coherence(cpu, selfSnoop);
        assertThat(c.why(new Accessor.Cpu(Who.QEMU, type(a)), new Accessor.Cpu(Who.RENDERER, type(b))))
                .contains(cited);
    }

    /** The platforms a host can be: Intel with or without self-snoop, AMD (none, rule 15a). */
    static Coherence[] platforms() {
        return new Coherence[] {
            new Coherence(CpuVendor.INTEL, false),
            new Coherence(CpuVendor.INTEL, true),
            new Coherence(CpuVendor.AMD, false)
        };
    }

    /** Every platform, every ordered pair of memory types, with the first one's UC from the EPT or not. */
    static Stream<Arguments> everyPlatformAndTypePair() {
        return Arrays.stream(platforms())
                .flatMap(c -> Stream.of(false, true)
                        .flatMap(eptUc -> Arrays.stream(MemType.values())
                                .flatMap(a -> Arrays.stream(MemType.values()).map(b -> Arguments.of(c, eptUc, a, b)))));
    }

    @ParameterizedTest(name = "{0}, first from EPT {1}: between({2}, {3}) = between({3}, {2})")
    @MethodSource("everyPlatformAndTypePair")
    void betweenIsSymmetric(Coherence c, boolean eptUc, MemType a, MemType b) {
        Accessor.Cpu x = new Accessor.Cpu(Who.GUEST, a, eptUc);
        Accessor.Cpu y = new Accessor.Cpu(Who.QEMU, b);
        assertThat(c.between(x, y)).isEqualTo(c.between(y, x));
    }

    @ParameterizedTest(name = "DOMAIN 10a, 10b: {0}, first from EPT {1}: {2} vs {3}")
    @MethodSource("everyPlatformAndTypePair")
    void onlyACacheableTypeAgainstANonSnoopingUncachedOneIsStale(Coherence c, boolean eptUc, MemType a, MemType b) {
        boolean mixed = a.isCacheable() != b.isCacheable();
        boolean intel = c.cpu() == CpuVendor.INTEL;
        boolean nonSnooping = a.isCacheable()
                ? b == MemType.WC && intel && !c.selfSnoop()
                : (a == MemType.WC && intel && !c.selfSnoop()) || (a == MemType.UC && eptUc && intel);
        boolean stale = mixed && nonSnooping;
        assertThat(c.between(new Accessor.Cpu(Who.GUEST, a, eptUc), new Accessor.Cpu(Who.QEMU, b)) == Relation.STALE)
                .isEqualTo(stale);
    }

    static MemType type(String label) {
        return MemType.parse(label).orElseThrow();
    }
}
