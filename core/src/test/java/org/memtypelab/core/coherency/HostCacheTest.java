package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.coherency.Who.GUEST;
import static org.memtypelab.core.coherency.Who.MIGRATION;
import static org.memtypelab.core.coherency.Who.QEMU;
import static org.memtypelab.core.coherency.Who.RENDERER;
import static org.memtypelab.core.memtype.MemType.CD;
import static org.memtypelab.core.memtype.MemType.UC;
import static org.memtypelab.core.memtype.MemType.UC_MINUS;
import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;
import static org.memtypelab.core.memtype.MemType.WC_PLUS;
import static org.memtypelab.core.memtype.MemType.WT;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.coherency.HostCache.Witness;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;

/** The host memory system turns a memtype divergence into a witness (DOMAIN rule 10a, SDM footnote 2, rule 6). */
class HostCacheTest {

    static final Coherence INTEL = new Coherence(CpuVendor.INTEL, false);
    static final Coherence INTEL_SELF_SNOOP = new Coherence(CpuVendor.INTEL, true);
    static final Coherence AMD = new Coherence(CpuVendor.AMD, false);

    /** SCENARIOS.md result document, the thread's motivating bug. */
    static final String SCENARIO_WITNESS = "guest write 0xab stayed in the CPU cache; renderer read 0x00";

    static Accessor cpu(Who who, MemType t) {
        return new Accessor.Cpu(who, t);
    }

    static Accessor gpu(boolean snoop) {
        return new Accessor.Gpu(snoop);
    }

    /** What {@code reader} reads of byte 0 after {@code writer} wrote 0xab there and a fence. */
    static Optional<Witness> coldRead(Coherence coherence, Accessor writer, Accessor reader) {
        HostCache c = new HostCache(coherence);
        c.write(writer, 0, 0xab);
        c.fence();
        return c.read(reader, 0);
    }

    /** What {@code reader}, with byte 0 already in its cache, reads after {@code writer} wrote 0xab and a fence. */
    static Optional<Witness> warmRead(Coherence coherence, Accessor writer, Accessor reader) {
        HostCache c = new HostCache(coherence);
        assertThat(c.observe(reader, 0)).as("nothing written yet").isZero();
        c.write(writer, 0, 0xab);
        c.fence();
        return c.read(reader, 0);
    }

    @Test
    void guestWbWriteStaysInTheCacheForARendererWcReadOnIntelWithoutSelfSnoop() {
        HostCache c = new HostCache(INTEL);
        c.write(cpu(GUEST, WB), 0, 0xab);
        c.fence();
        Optional<Witness> w = c.read(cpu(RENDERER, WC), 0);
        assertThat(w).map(Witness::text).contains(SCENARIO_WITNESS);
        assertThat(w.orElseThrow().written()).isEqualTo(0xab);
        assertThat(w.orElseThrow().seen()).isZero();
    }

    @Test
    void selfSnoopCpuKeepsTheWcReadCoherentWithTheDirtyWbLine() {
        HostCache c = new HostCache(INTEL_SELF_SNOOP);
        c.write(cpu(GUEST, WB), 0, 0xab);
        c.fence();
        assertThat(c.read(cpu(RENDERER, WC), 0)).isEmpty();
        assertThat(c.observe(cpu(RENDERER, WC), 0)).isEqualTo(0xab);
    }

    @Test
    void nonSnoopingGpuReadAfterAWbWriteIsStaleEvenOnASelfSnoopCpu() {
        for (Coherence coherence : new Coherence[] {INTEL, INTEL_SELF_SNOOP, AMD}) {
            assertThat(coldRead(coherence, cpu(GUEST, WB), gpu(false)))
                    .as("%s", coherence)
                    .map(Witness::text)
                    .contains("guest write 0xab stayed in the CPU cache; gpu read 0x00");
        }
    }

    @Test
    void snoopingGpuSeesTheDirtyLine() {
        assertThat(coldRead(INTEL, cpu(GUEST, WB), gpu(true))).isEmpty();
    }

    @ParameterizedTest(name = "SDM footnote 2: a {0} read from the PAT snoops the dirty WB line")
    @EnumSource(
            value = MemType.class,
            names = {"UC", "UC_MINUS"})
    void uncachedReadSnoopsTheDirtyLine(MemType uncached) {
        HostCache c = new HostCache(INTEL);
        c.write(cpu(GUEST, WB), 0, 0xab);
        c.fence();
        assertThat(c.read(cpu(RENDERER, uncached), 0)).isEmpty();
        // the snoop wrote the line back, so a non-snooping GPU now sees it in memory too
        assertThat(c.read(gpu(false), 0)).isEmpty();
    }

    @Test
    void ucWriteInvalidatesAWarmCachedAlias() {
        assertThat(warmRead(INTEL, cpu(RENDERER, UC), cpu(GUEST, WB))).isEmpty();
    }

    @ParameterizedTest(name = "DOMAIN rule 6: AMD guest {0} snoops a WB alias in both directions")
    @EnumSource(
            value = MemType.class,
            names = {"WC_PLUS", "CD"})
    void amdSnoopingTypesStayCoherentWithWb(MemType guest) {
        assertThat(coldRead(AMD, cpu(QEMU, WB), cpu(GUEST, guest))).isEmpty();
        assertThat(warmRead(AMD, cpu(GUEST, guest), cpu(QEMU, WB))).isEmpty();
        assertThat(HostCache.probe(AMD, cpu(GUEST, guest), cpu(QEMU, WB))).isEmpty();
    }

    @Test
    void rule15a_plainWcOnAmdIsUnverifiedSoTheSimulationInventsNoWitness() {
        // the host's own WC mapping is not turned into WC+ (rule 6), but whether it snoops on AMD is not verified
        // (DOMAIN 10: the AMD side of SELFSNOOP; rule 15a): the classifier calls it unknown, so no witness is made up
        assertThat(AMD.snoops(new Accessor.Cpu(RENDERER, WC))).isEqualTo(Coherence.Snooping.UNKNOWN);
        assertThat(HostCache.probe(AMD, cpu(QEMU, WB), cpu(RENDERER, WC))).isEmpty();
        // on Intel without self-snoop the same pair is stale (rule 10a)
        assertThat(HostCache.probe(INTEL, cpu(QEMU, WB), cpu(RENDERER, WC))).isPresent();
    }

    @ParameterizedTest(name = "DOMAIN rule 10b: self-snoop {0}: a guest UC read from the EPT misses a dirty WB line")
    @ValueSource(booleans = {false, true})
    void rule10b_aUcReadFromTheEptMissesADirtyWbLine(boolean selfSnoop) {
        Coherence intel = new Coherence(CpuVendor.INTEL, selfSnoop);
        Accessor eptUc = new Accessor.Cpu(GUEST, UC, true);
        assertThat(coldRead(intel, cpu(QEMU, WB), eptUc))
                .map(Witness::text)
                .contains("qemu write 0xab stayed in the CPU cache; guest read 0x00");
        // and a UC write from the EPT leaves a warm WB line stale
        assertThat(warmRead(intel, eptUc, cpu(QEMU, WB)))
                .map(Witness::text)
                .contains("guest write 0xab went to memory, but a stale CPU cache line was kept; qemu read 0x00");
        // UC from the PAT snoops (footnote 2): no witness either way
        Accessor patUc = new Accessor.Cpu(GUEST, UC, false);
        assertThat(HostCache.probe(intel, cpu(QEMU, WB), patUc)).isEmpty();
    }

    @Test
    void rule10b_onAmdThereIsNoEptSoAUcIsNeverFootnoteOne() {
        assertThat(HostCache.probe(AMD, cpu(QEMU, WB), new Accessor.Cpu(GUEST, UC, true)))
                .isEmpty();
    }

    @Test
    void wcAgainstWcAndWbAgainstWtAreNeverStale() {
        for (Coherence coherence : new Coherence[] {INTEL, INTEL_SELF_SNOOP, AMD}) {
            assertThat(HostCache.probe(coherence, cpu(GUEST, WC), cpu(RENDERER, WC)))
                    .as("WC/WC on %s", coherence)
                    .isEmpty();
            assertThat(HostCache.probe(coherence, cpu(GUEST, WB), cpu(QEMU, WT)))
                    .as("WB/WT on %s", coherence)
                    .isEmpty();
        }
    }

    @Test
    void warmCachedReaderKeepsAStaleLineAfterANonSnoopingGpuWrite() {
        assertThat(warmRead(INTEL_SELF_SNOOP, gpu(false), cpu(GUEST, WB)))
                .map(Witness::text)
                .contains("gpu write 0xab went to memory, but a stale CPU cache line was kept; guest read 0x00");
    }

    @Test
    void warmCachedReaderKeepsAStaleLineAfterAWcWriteWithoutSelfSnoop() {
        assertThat(warmRead(INTEL, cpu(GUEST, WC), cpu(MIGRATION, WB)))
                .map(Witness::text)
                .contains("guest write 0xab went to memory, but a stale CPU cache line was kept; migration read 0x00");
    }

    @Test
    void aSnoopingWriteInvalidatesTheWarmLine() {
        assertThat(warmRead(INTEL_SELF_SNOOP, cpu(GUEST, WC), cpu(MIGRATION, WB)))
                .isEmpty();
        assertThat(warmRead(INTEL, gpu(true), cpu(GUEST, WB))).isEmpty();
    }

    @Test
    void wcWriteSitsInTheWriteCombiningBufferUntilAFence() {
        HostCache c = new HostCache(INTEL_SELF_SNOOP);
        c.write(cpu(GUEST, WC), 0, 0xab);
        assertThat(c.read(gpu(false), 0))
                .map(Witness::text)
                .contains("guest write 0xab sat in the write-combining buffer; gpu read 0x00");
        c.fence();
        assertThat(c.read(gpu(false), 0)).isEmpty();
    }

    @Test
    void aByteNobodyWroteHasNoWitness() {
        HostCache c = new HostCache(INTEL);
        assertThat(c.read(cpu(RENDERER, WC), 7)).isEmpty();
        c.write(cpu(GUEST, WB), 0, 0xab);
        assertThat(c.read(cpu(RENDERER, WC), 1)).isEmpty();
    }

    @Test
    void probeOfGuestWbAndRendererWcGivesTheScenarioWitness() {
        assertThat(HostCache.probe(INTEL, cpu(GUEST, WB), cpu(RENDERER, WC)))
                .map(Witness::text)
                .contains(SCENARIO_WITNESS);
        assertThat(HostCache.probe(INTEL_SELF_SNOOP, cpu(GUEST, WB), cpu(RENDERER, WC)))
                .isEmpty();
    }

    @Test
    void probeFindsTheWarmDirectionWhenTheColdOneIsCoherent() {
        // WT writes through, so cold reads are fine; only a warm WT line can hide a WC write (no self-snoop)
        assertThat(HostCache.probe(INTEL, cpu(GUEST, WT), cpu(RENDERER, WC)))
                .map(Witness::text)
                .hasValueSatisfying(t -> assertThat(t).contains("stale CPU cache line"));
    }

    @Test
    void probeOfACachedMappingAndNonSnoopingDmaAlwaysFindsStaleData() {
        for (Coherence coherence : new Coherence[] {INTEL, INTEL_SELF_SNOOP, AMD}) {
            for (MemType cached : new MemType[] {WB, WT, MemType.WP}) {
                assertThat(HostCache.probe(coherence, cpu(GUEST, cached), gpu(false)))
                        .as("%s vs non-snooping DMA on %s", cached, coherence)
                        .isPresent();
            }
            for (MemType uncached : new MemType[] {UC, UC_MINUS, WC, WC_PLUS, CD}) {
                assertThat(HostCache.probe(coherence, cpu(GUEST, uncached), gpu(false)))
                        .as("%s vs non-snooping DMA on %s", uncached, coherence)
                        .isEmpty();
            }
        }
    }
}
