package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;

/**
 * Laws of the host memory model (DOMAIN rule 10a, SDM footnote 2, rule 6): when no probe can find stale data. Checked
 * on every platform, every pair of CPU parties and every pair of memory types.
 */
class HostCacheLawsTest {

    static final List<Coherence> COHERENCES = Arrays.stream(CpuVendor.values())
            .flatMap(cpu -> cpu == CpuVendor.AMD // DOMAIN rule 15a: no self-snoop on AMD
                    ? Stream.of(new Coherence(cpu, false))
                    : Stream.of(new Coherence(cpu, false), new Coherence(cpu, true)))
            .toList();
    static final List<Who> CPU_WHOS =
            Arrays.stream(Who.values()).filter(Who::isCpu).toList();
    static final List<MemType> ANY_TYPE = List.of(MemType.values());
    static final List<MemType> CACHEABLE =
            ANY_TYPE.stream().filter(MemType::isCacheable).toList();
    static final List<MemType> UNCACHED =
            ANY_TYPE.stream().filter(t -> !t.isCacheable()).toList();

    /** Every CPU party with every memory type, and the GPU snooping or not. */
    static final List<Accessor> ACCESSORS = accessors();

    private static List<Accessor> accessors() {
        List<Accessor> all = new ArrayList<>();
        for (Who who : CPU_WHOS) {
            for (MemType t : ANY_TYPE) {
                all.add(new Accessor.Cpu(who, t));
            }
        }
        all.add(new Accessor.Gpu(false));
        all.add(new Accessor.Gpu(true));
        return all;
    }

    static Stream<Arguments> coherenceAndCacheable() {
        return product(COHERENCES, CACHEABLE);
    }

    static Stream<Arguments> coherenceAndAnyType() {
        return product(COHERENCES, ANY_TYPE);
    }

    static Stream<Arguments> coherenceAndTwoCacheable() {
        return product(COHERENCES, CACHEABLE, CACHEABLE);
    }

    static Stream<Arguments> coherenceAndTwoUncached() {
        return product(COHERENCES, UNCACHED, UNCACHED);
    }

    static Stream<Arguments> coherenceAndTwoTypes() {
        return product(COHERENCES, ANY_TYPE, ANY_TYPE);
    }

    static Stream<Arguments> coherenceAndAccessor() {
        return product(COHERENCES, ACCESSORS);
    }

    private static Stream<Arguments> product(List<?> first, List<?> second) {
        return first.stream().flatMap(x -> second.stream().map(y -> Arguments.of(x, y)));
    }

    private static Stream<Arguments> product(List<?> first, List<?> second, List<?> third) {
        return first.stream()
                .flatMap(x -> second.stream().flatMap(y -> third.stream().map(z -> Arguments.of(x, y, z))));
    }

    @ParameterizedTest(name = "{0}: any two CPU parties mapping {1}")
    @MethodSource("coherenceAndCacheable")
    void twoMappingsOfTheSameCacheableTypeNeverSeeStaleData(Coherence c, MemType t) {
        assertNoTwoCpuPartiesSeeStaleData(c, t, t);
    }

    @ParameterizedTest(name = "{0}: any two CPU parties mapping {1} and {2}")
    @MethodSource("coherenceAndTwoCacheable")
    void twoCachedMappingsNeverSeeStaleData(Coherence c, MemType ta, MemType tb) {
        assertNoTwoCpuPartiesSeeStaleData(c, ta, tb);
    }

    @ParameterizedTest(name = "{0}: any two CPU parties mapping {1} and {2}")
    @MethodSource("coherenceAndTwoUncached")
    void twoUncachedMappingsNeverSeeStaleData(Coherence c, MemType ta, MemType tb) {
        assertNoTwoCpuPartiesSeeStaleData(c, ta, tb);
    }

    private static void assertNoTwoCpuPartiesSeeStaleData(Coherence c, MemType ta, MemType tb) {
        for (Who a : CPU_WHOS) {
            for (Who b : CPU_WHOS) {
                assertThat(HostCache.probe(c, new Accessor.Cpu(a, ta), new Accessor.Cpu(b, tb)))
                        .as("%s vs %s", a, b)
                        .isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}: a snooping GPU against any CPU party mapping {1}")
    @MethodSource("coherenceAndAnyType")
    void aSnoopingGpuNeverSeesOrLeavesStaleData(Coherence c, MemType t) {
        for (Who who : CPU_WHOS) {
            assertThat(HostCache.probe(c, new Accessor.Cpu(who, t), new Accessor.Gpu(true)))
                    .as("%s first", who)
                    .isEmpty();
            assertThat(HostCache.probe(c, new Accessor.Gpu(true), new Accessor.Cpu(who, t)))
                    .as("%s second", who)
                    .isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}: any two CPU parties mapping {1} and {2}")
    @MethodSource("coherenceAndTwoTypes")
    void probeFindsStaleDataExactlyWhenCoherenceSaysStale(Coherence c, MemType ta, MemType tb) {
        boolean stale = c.between(ta, tb) == Coherence.Relation.STALE;
        for (Who a : CPU_WHOS) {
            for (Who b : CPU_WHOS) {
                assertThat(HostCache.probe(c, new Accessor.Cpu(a, ta), new Accessor.Cpu(b, tb)))
                        .as("%s (%s) vs %s (%s) on %s", a, ta, b, tb, c)
                        .matches(w -> w.isPresent() == stale);
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1} against every accessor")
    @MethodSource("coherenceAndAccessor")
    void probeIsSymmetricInWhetherItFindsStaleData(Coherence c, Accessor x) {
        for (Accessor y : ACCESSORS) {
            assertThat(HostCache.probe(c, x, y).isPresent())
                    .as("%s vs %s", x, y)
                    .isEqualTo(HostCache.probe(c, y, x).isPresent());
        }
    }
}
