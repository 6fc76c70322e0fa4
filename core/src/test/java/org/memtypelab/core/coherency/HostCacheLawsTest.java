package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;

/** Laws of the host memory model (DOMAIN rule 10a, SDM footnote 2, rule 6): when no probe can find stale data. */
class HostCacheLawsTest {

    @Provide
    Arbitrary<Coherence> coherence() {
        return Combinators.combine(Arbitraries.of(CpuVendor.class), Arbitraries.of(false, true))
                .as(Coherence::new);
    }

    @Provide
    Arbitrary<Who> cpuWho() {
        return Arbitraries.of(Arrays.stream(Who.values()).filter(Who::isCpu).toList());
    }

    @Provide
    Arbitrary<MemType> cacheable() {
        return Arbitraries.of(
                Arrays.stream(MemType.values()).filter(MemType::isCacheable).toList());
    }

    @Provide
    Arbitrary<MemType> uncached() {
        return Arbitraries.of(
                Arrays.stream(MemType.values()).filter(t -> !t.isCacheable()).toList());
    }

    @Provide
    Arbitrary<MemType> anyType() {
        return Arbitraries.of(MemType.class);
    }

    @Property
    void twoMappingsOfTheSameCacheableTypeNeverSeeStaleData(
            @ForAll("coherence") Coherence c,
            @ForAll("cpuWho") Who a,
            @ForAll("cpuWho") Who b,
            @ForAll("cacheable") MemType t) {
        assertThat(HostCache.probe(c, new Accessor.Cpu(a, t), new Accessor.Cpu(b, t)))
                .isEmpty();
    }

    @Property
    void twoCachedMappingsNeverSeeStaleData(
            @ForAll("coherence") Coherence c,
            @ForAll("cpuWho") Who a,
            @ForAll("cpuWho") Who b,
            @ForAll("cacheable") MemType ta,
            @ForAll("cacheable") MemType tb) {
        assertThat(HostCache.probe(c, new Accessor.Cpu(a, ta), new Accessor.Cpu(b, tb)))
                .isEmpty();
    }

    @Property
    void twoUncachedMappingsNeverSeeStaleData(
            @ForAll("coherence") Coherence c,
            @ForAll("cpuWho") Who a,
            @ForAll("cpuWho") Who b,
            @ForAll("uncached") MemType ta,
            @ForAll("uncached") MemType tb) {
        assertThat(HostCache.probe(c, new Accessor.Cpu(a, ta), new Accessor.Cpu(b, tb)))
                .isEmpty();
    }

    @Property
    void aSnoopingGpuNeverSeesOrLeavesStaleData(
            @ForAll("coherence") Coherence c, @ForAll("cpuWho") Who who, @ForAll("anyType") MemType t) {
        assertThat(HostCache.probe(c, new Accessor.Cpu(who, t), new Accessor.Gpu(true)))
                .isEmpty();
        assertThat(HostCache.probe(c, new Accessor.Gpu(true), new Accessor.Cpu(who, t)))
                .isEmpty();
    }

    @Property
    void probeFindsStaleDataExactlyWhenCoherenceSaysStale(
            @ForAll("coherence") Coherence c,
            @ForAll("cpuWho") Who a,
            @ForAll("cpuWho") Who b,
            @ForAll("anyType") MemType ta,
            @ForAll("anyType") MemType tb) {
        boolean stale = c.between(ta, tb) == Coherence.Relation.STALE;
        assertThat(HostCache.probe(c, new Accessor.Cpu(a, ta), new Accessor.Cpu(b, tb)))
                .as("%s vs %s on %s", ta, tb, c)
                .matches(w -> w.isPresent() == stale);
    }

    @Provide
    Arbitrary<Accessor> accessor() {
        Arbitrary<Accessor> cpu = Combinators.combine(cpuWho(), anyType()).as(Accessor.Cpu::new);
        Arbitrary<Accessor> gpu = Arbitraries.of(false, true).map(Accessor.Gpu::new);
        return Arbitraries.oneOf(cpu, gpu);
    }

    @Property
    void probeIsSymmetricInWhetherItFindsStaleData(
            @ForAll("coherence") Coherence c, @ForAll("accessor") Accessor x, @ForAll("accessor") Accessor y) {
        assertThat(HostCache.probe(c, x, y).isPresent())
                .isEqualTo(HostCache.probe(c, y, x).isPresent());
    }
}
