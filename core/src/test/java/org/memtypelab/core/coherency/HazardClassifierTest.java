package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.coherency.Who.GPU;
import static org.memtypelab.core.coherency.Who.GUEST;
import static org.memtypelab.core.coherency.Who.MIGRATION;
import static org.memtypelab.core.coherency.Who.QEMU;
import static org.memtypelab.core.coherency.Who.RENDERER;
import static org.memtypelab.core.memtype.MemType.UC;
import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;
import static org.memtypelab.core.memtype.MemType.WC_PLUS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.coherency.HazardClassifier.Assessment;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** Verdicts and hazard kinds of SCENARIOS.md for the mappings of one buffer (DOMAIN rule 10a, DOMAIN 9). */
class HazardClassifierTest {

    static final Coherence INTEL = new Coherence(CpuVendor.INTEL, false);
    static final Coherence INTEL_SELF_SNOOP = new Coherence(CpuVendor.INTEL, true);
    static final Coherence AMD = new Coherence(CpuVendor.AMD, false);

    static Mapping cpu(Who who, MemType t) {
        return new Mapping("b0", who, new MappingType.Cpu(t), true);
    }

    /** An Intel guest mapping as KVM builds it: rule 10, EPT WB with IPAT. */
    static Mapping guest(MemType t) {
        return new Mapping("b0", GUEST, new MappingType.Guest(t, new Ept.Entry(WB, true)), true);
    }

    static Mapping gpu(boolean snoop) {
        return new Mapping("b0", GPU, new MappingType.Dma(snoop), true);
    }

    static Mapping unverifiedGuest() {
        return new Mapping("b0", GUEST, new MappingType.Unverified("DOMAIN 1.5 [U]: host WB x guest WB"), true);
    }

    @Test
    void guestWbAgainstRendererWcIsAMemtypeAliasWithTheScenarioWitness() {
        Assessment a = HazardClassifier.classify(INTEL, List.of(cpu(RENDERER, WC), guest(WB)), 5);
        assertThat(a.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(a.hazards())
                .containsExactly(new Hazard(
                        "b0",
                        List.of(GUEST, RENDERER),
                        List.of("WB", "WC"),
                        Hazard.Kind.MEMTYPE_ALIAS,
                        5,
                        "guest write 0xab stayed in the CPU cache; renderer read 0x00"));
        assertThat(a.hazards().get(0).kind().label()).isEqualTo("memtype-alias");
    }

    @Test
    void theOrderMappingsArriveInDoesNotMatter() {
        List<Mapping> ms = new ArrayList<>(List.of(guest(WB), cpu(RENDERER, WC), cpu(QEMU, WC), gpu(false)));
        Assessment first = HazardClassifier.classify(INTEL, ms, 3);
        Collections.reverse(ms);
        assertThat(HazardClassifier.classify(INTEL, ms, 3)).isEqualTo(first);
    }

    @Test
    void aCachedMappingOfABufferTheGpuReadsWithoutSnoopingIsNonSnoopedDma() {
        for (Coherence c : new Coherence[] {INTEL, INTEL_SELF_SNOOP, AMD}) {
            Assessment a = HazardClassifier.classify(c, List.of(gpu(false), cpu(QEMU, WB)), 2);
            assertThat(a.verdict()).as("%s", c).isEqualTo(Verdict.HAZARD);
            Hazard h = a.hazards().get(0);
            assertThat(h.kind()).isEqualTo(Hazard.Kind.NON_SNOOPED_DMA);
            assertThat(h.kind().label()).isEqualTo("non-snooped-dma");
            assertThat(h.between()).containsExactly(QEMU, GPU);
            assertThat(h.types()).containsExactly("WB", "dma (no snoop)");
            assertThat(h.witness()).isEqualTo("qemu write 0xab stayed in the CPU cache; gpu read 0x00");
        }
    }

    @Test
    void aSnoopingGpuIsCoherentWithAnyCpuMapping() {
        for (MemType t : MemType.values()) {
            assertThat(HazardClassifier.classify(INTEL, List.of(cpu(RENDERER, t), gpu(true)), 1)
                            .verdict())
                    .as("%s", t)
                    .isEqualTo(Verdict.CONSISTENT);
        }
    }

    @Test
    void aNonSnoopingGpuIsCoherentWithUncachedMappings() {
        Assessment a = HazardClassifier.classify(INTEL, List.of(cpu(RENDERER, WC), guest(WC), gpu(false)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(a.hazards()).isEmpty();
    }

    @Test
    void migrationReadingThroughATypeThatDisagreesWithTheGuestIsMigrationStale() {
        Assessment a = HazardClassifier.classify(INTEL, List.of(cpu(MIGRATION, WB), guest(WC)), 9);
        assertThat(a.verdict()).isEqualTo(Verdict.HAZARD);
        Hazard h = a.hazards().get(0);
        assertThat(h.kind()).isEqualTo(Hazard.Kind.MIGRATION_STALE);
        assertThat(h.kind().label()).isEqualTo("migration-stale");
        assertThat(h.between()).containsExactly(GUEST, MIGRATION);
        assertThat(h.types()).containsExactly("WC", "WB");
        assertThat(h.witness()).contains("guest write 0xab").contains("migration read 0x00");
    }

    @Test
    void migrationAgainstAnotherHostMappingIsAPlainMemtypeAlias() {
        Assessment a = HazardClassifier.classify(INTEL, List.of(cpu(MIGRATION, WB), cpu(RENDERER, WC)), 9);
        assertThat(a.hazards()).extracting(Hazard::kind).containsExactly(Hazard.Kind.MEMTYPE_ALIAS);
    }

    @Test
    void selfSnoopMakesWcAgainstWbABenignAlias() {
        Assessment a = HazardClassifier.classify(INTEL_SELF_SNOOP, List.of(guest(WB), cpu(RENDERER, WC)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.BENIGN_ALIAS);
        assertThat(a.verdict().label()).isEqualTo("benign-alias");
        assertThat(a.hazards()).isEmpty();
        assertThat(a.notes())
                .singleElement()
                .asString()
                .contains("guest/renderer")
                .contains("377b2f359d1f");
    }

    @Test
    void amdWcPlusAgainstAWbAliasIsBenign() {
        Mapping amdGuest = new Mapping("b0", GUEST, new MappingType.Cpu(WC_PLUS), true);
        Assessment a = HazardClassifier.classify(AMD, List.of(amdGuest, cpu(QEMU, WB)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.BENIGN_ALIAS);
        assertThat(a.notes()).singleElement().asString().contains("DOMAIN rule 6");
    }

    @Test
    void bothUncachedIsBenign() {
        Assessment a = HazardClassifier.classify(INTEL, List.of(guest(UC), cpu(RENDERER, WC)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.BENIGN_ALIAS);
    }

    @Test
    void identicalTypesAreConsistentWithoutNotes() {
        Assessment a = HazardClassifier.classify(INTEL, List.of(guest(WC), cpu(RENDERER, WC), cpu(QEMU, WC)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(a.notes()).isEmpty();
    }

    @Test
    void qemuMappingThatIsNeverDereferencedTakesPartInNoAlias() {
        // DOMAIN 9 option 8: Q exists (a WB dma-buf mmap) but only KVM uses it
        Mapping kvmOnly = new Mapping("b0", QEMU, new MappingType.Cpu(WB), false);
        List<Mapping> ms = List.of(kvmOnly, guest(WC), cpu(RENDERER, WC), gpu(false));
        Assessment a = HazardClassifier.classify(INTEL, ms, 1);
        assertThat(a.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(a.hazards()).isEmpty();
        assertThat(a.notes()).isEmpty();

        Mapping reads = new Mapping("b0", QEMU, new MappingType.Cpu(WB), true);
        Assessment b = HazardClassifier.classify(INTEL, List.of(reads, guest(WC), cpu(RENDERER, WC), gpu(false)), 1);
        assertThat(b.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(b.hazards())
                .extracting(Hazard::between, Hazard::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(List.of(GUEST, QEMU), Hazard.Kind.MEMTYPE_ALIAS),
                        org.assertj.core.groups.Tuple.tuple(List.of(QEMU, RENDERER), Hazard.Kind.MEMTYPE_ALIAS),
                        org.assertj.core.groups.Tuple.tuple(List.of(QEMU, GPU), Hazard.Kind.NON_SNOOPED_DMA));
    }

    @Test
    void anUnverifiedGuestTypeGivesUnknownNotConsistent() {
        Assessment a = HazardClassifier.classify(AMD, List.of(unverifiedGuest(), cpu(RENDERER, WB)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(a.hazards()).isEmpty();
        assertThat(a.notes()).singleElement().asString().contains("unverified").contains("DOMAIN 1.5 [U]");

        Assessment dma = HazardClassifier.classify(AMD, List.of(unverifiedGuest(), gpu(false)), 1);
        assertThat(dma.verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void anUnverifiedGuestAlongsideTheRendererAndASnoopingGpuIsStillUnknown() {
        Assessment a = HazardClassifier.classify(AMD, List.of(unverifiedGuest(), cpu(RENDERER, WB), gpu(true)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void rule10a_aNonSnoopedDmaHazardOutranksAnUnverifiedGuest() {
        // DOMAIN rule 10a: a cached CPU mapping vs non-snooping GPU DMA is always stale-possible, AMD too
        Assessment a = HazardClassifier.classify(AMD, List.of(unverifiedGuest(), cpu(QEMU, WB), gpu(false)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(a.hazards()).extracting(Hazard::kind).containsExactly(Hazard.Kind.NON_SNOOPED_DMA);
        assertThat(a.notes()).anySatisfy(n -> assertThat(n).contains("unverified"));
    }

    @Test
    void rule10a_aMemtypeAliasOutranksAnUnknownRelation() {
        // Intel without self-snoop: guest WB vs renderer WC is a hazard; an unverified third party stays a note
        Assessment a = HazardClassifier.classify(
                INTEL,
                List.of(guest(WB), cpu(RENDERER, WC), new Mapping("b0", QEMU, new MappingType.Unverified("x"), true)),
                1);
        assertThat(a.verdict()).isEqualTo(Verdict.HAZARD);
    }

    @ParameterizedTest(name = "DOMAIN rule 15a: AMD renderer {0} vs qemu {1} -> unknown, not consistent")
    @org.junit.jupiter.params.provider.CsvSource({"WC, WB", "WB, WC", "WC, WT", "WP, WC"})
    void rule15a_amdPlainWcAgainstACachedMappingIsUnknown(MemType renderer, MemType qemu) {
        Assessment a = HazardClassifier.classify(AMD, List.of(cpu(RENDERER, renderer), cpu(QEMU, qemu)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(a.hazards()).isEmpty();
        assertThat(a.notes())
                .singleElement()
                .asString()
                .contains("qemu/renderer")
                .contains("not verified");
        // the same pair on Intel is decided: stale without self-snoop, benign with it (rule 10a)
        assertThat(HazardClassifier.classify(INTEL, List.of(cpu(RENDERER, renderer), cpu(QEMU, qemu)), 1)
                        .verdict())
                .isEqualTo(Verdict.HAZARD);
        assertThat(HazardClassifier.classify(INTEL_SELF_SNOOP, List.of(cpu(RENDERER, renderer), cpu(QEMU, qemu)), 1)
                        .verdict())
                .isEqualTo(Verdict.BENIGN_ALIAS);
    }

    @Test
    void anUnknownRelationIsNotConsistent() {
        // Coherence.Relation.UNKNOWN -> verdict unknown with a note (it used to count as consistent)
        assertThat(AMD.between(WC, WB)).isEqualTo(Coherence.Relation.UNKNOWN);
        Assessment a = HazardClassifier.classify(AMD, List.of(cpu(RENDERER, WC), cpu(QEMU, WB), gpu(true)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN).isNotEqualTo(Verdict.CONSISTENT);
        assertThat(a.notes()).isNotEmpty();
    }

    /** An Intel guest mapping whose UC comes from an EPT UC leaf (rule 10b), with IPAT {@code ipat}. */
    static Mapping guestUcFromEpt(boolean ipat) {
        return new Mapping("b0", GUEST, new MappingType.Guest(UC, new Ept.Entry(UC, ipat)), true);
    }

    @ParameterizedTest(
            name = "DOMAIN rule 10b: Intel self-snoop {0}, guest UC from EPT UC (ipat {1}) vs qemu WB -> hazard")
    @org.junit.jupiter.params.provider.CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void rule10b_guestUcFromTheEptAgainstAWbMappingIsAHazardEvenWithSelfSnoop(boolean selfSnoop, boolean ipat) {
        Coherence c = new Coherence(CpuVendor.INTEL, selfSnoop);
        Assessment a = HazardClassifier.classify(c, List.of(guestUcFromEpt(ipat), cpu(QEMU, WB)), 3);
        assertThat(a.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(a.hazards()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(Hazard.Kind.MEMTYPE_ALIAS);
            assertThat(h.between()).containsExactly(GUEST, QEMU);
            assertThat(h.types()).containsExactly("UC", "WB");
            assertThat(h.witness()).isNotEqualTo("no probe exposed stale data");
        });
        // against a migration thread reading WB it is migration-stale
        assertThat(HazardClassifier.classify(c, List.of(guestUcFromEpt(ipat), cpu(MIGRATION, WB)), 3)
                        .hazards())
                .extracting(Hazard::kind)
                .containsExactly(Hazard.Kind.MIGRATION_STALE);
    }

    @ParameterizedTest(
            name = "DOMAIN rule 10b: Intel self-snoop {0}, guest UC from the PAT over EPT WB,0 vs qemu WB -> benign")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void rule10b_guestUcFromThePatUnderEptWbIsABenignAlias(boolean selfSnoop) {
        Mapping patUc = new Mapping("b0", GUEST, new MappingType.Guest(UC, new Ept.Entry(WB, false)), true);
        Assessment a =
                HazardClassifier.classify(new Coherence(CpuVendor.INTEL, selfSnoop), List.of(patUc, cpu(QEMU, WB)), 1);
        assertThat(a.verdict()).isEqualTo(Verdict.BENIGN_ALIAS);
        assertThat(a.hazards()).isEmpty();
        assertThat(a.notes()).singleElement().asString().contains("footnote 2");
    }

    @Test
    void hazardBetweenIsThePairsOnlyHazard() {
        assertThat(HazardClassifier.hazardBetween(INTEL, guest(WB), cpu(RENDERER, WC)))
                .map(Hazard::kind)
                .contains(Hazard.Kind.MEMTYPE_ALIAS);
        assertThat(HazardClassifier.hazardBetween(INTEL_SELF_SNOOP, guest(WB), cpu(RENDERER, WC)))
                .isEmpty();
    }

    @Test
    void worstOfSeveralAssessments() {
        Assessment ok = HazardClassifier.classify(INTEL, List.of(guest(WC), cpu(RENDERER, WC)), 1);
        Assessment bad = HazardClassifier.classify(INTEL, List.of(guest(WB), cpu(RENDERER, WC)), 1);
        assertThat(HazardClassifier.worst(List.of(ok, bad, ok))).isEqualTo(Verdict.HAZARD);
        assertThat(HazardClassifier.worst(List.of())).isEqualTo(Verdict.CONSISTENT);
    }

    static final List<Coherence> COHERENCES = Arrays.stream(CpuVendor.values())
            .flatMap(cpu -> cpu == CpuVendor.AMD // DOMAIN rule 15a: no self-snoop on AMD
                    ? Stream.of(new Coherence(cpu, false))
                    : Stream.of(new Coherence(cpu, false), new Coherence(cpu, true)))
            .toList();
    /** The CPU parties other than the guest. */
    static final List<Who> HOST_CPU_WHOS = List.of(QEMU, RENDERER, MIGRATION);

    /** Every known CPU mapping of a host party, dereferenced or not. */
    static List<Mapping> knownCpu() {
        List<Mapping> all = new ArrayList<>();
        for (Who w : HOST_CPU_WHOS) {
            for (MemType t : MemType.values()) {
                for (boolean deref : new boolean[] {false, true}) {
                    all.add(new Mapping("b0", w, new MappingType.Cpu(t), deref));
                }
            }
        }
        return all;
    }

    static Stream<Arguments> coherenceAndDereferencedHostMapping() {
        return COHERENCES.stream()
                .flatMap(c -> HOST_CPU_WHOS.stream()
                        .flatMap(w -> Arrays.stream(MemType.values()).map(t -> Arguments.of(c, w, t))));
    }

    static Stream<Arguments> coherenceAndTwoTypes() {
        return COHERENCES.stream()
                .flatMap(c -> Arrays.stream(MemType.values())
                        .flatMap(a -> Arrays.stream(MemType.values()).map(b -> Arguments.of(c, a, b))));
    }

    @ParameterizedTest(name = "{0}: unverified guest beside {1} ({2}), any third mapping and GPU")
    @MethodSource("coherenceAndDereferencedHostMapping")
    void anUnverifiedTypeBesideADereferencedCpuMappingIsNeverConsistentOrBenign(Coherence c, Who who, MemType t) {
        Mapping deref = new Mapping("b0", who, new MappingType.Cpu(t), true);
        for (Mapping third : knownCpu()) {
            for (boolean snoop : new boolean[] {false, true}) {
                List<Mapping> ms = third.who() == deref.who()
                        ? List.of(unverifiedGuest(), deref, gpu(snoop))
                        : List.of(unverifiedGuest(), deref, third, gpu(snoop));
                assertThat(HazardClassifier.classify(c, ms, 1).verdict())
                        .as("%s", ms)
                        .isIn(Verdict.UNKNOWN, Verdict.HAZARD);
            }
        }
    }

    @ParameterizedTest(name = "{0}: guest {1}, renderer {2}, plus an undereferenced qemu mapping of any type")
    @MethodSource("coherenceAndTwoTypes")
    void undereferencedMappingsNeverChangeTheAssessment(Coherence c, MemType guestType, MemType renderer) {
        List<Mapping> base = List.of(guest(guestType), cpu(RENDERER, renderer));
        Assessment expected = HazardClassifier.classify(c, base, 1);
        for (MemType hidden : MemType.values()) {
            Mapping never = new Mapping("b0", QEMU, new MappingType.Cpu(hidden), false);
            List<Mapping> with = List.of(guest(guestType), cpu(RENDERER, renderer), never);
            assertThat(HazardClassifier.classify(c, with, 1))
                    .as("hidden %s", hidden)
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}: guest {1}, qemu {2}, any renderer type and GPU")
    @MethodSource("coherenceAndTwoTypes")
    void classificationDoesNotDependOnInputOrder(Coherence c, MemType g, MemType q) {
        for (MemType r : MemType.values()) {
            for (boolean s : new boolean[] {false, true}) {
                List<Mapping> ms = new ArrayList<>(Arrays.asList(guest(g), cpu(QEMU, q), cpu(RENDERER, r), gpu(s)));
                Assessment first = HazardClassifier.classify(c, ms, 4);
                Collections.rotate(ms, 2);
                assertThat(HazardClassifier.classify(c, ms, 4)).as("%s", ms).isEqualTo(first);
            }
        }
    }
}
