package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.coherency.Who.GPU;
import static org.memtypelab.core.coherency.Who.GUEST;
import static org.memtypelab.core.coherency.Who.QEMU;
import static org.memtypelab.core.coherency.Who.RENDERER;
import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.coherency.CoherencyLedger.Report;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** The monitor's core: dedup, any delivery order, gaps, and hazards that existed only for a while. */
class CoherencyLedgerTest {

    static final Coherence INTEL = new Coherence(CpuVendor.INTEL, false);

    static Observation set(String buffer, Who who, MemType t) {
        MappingType type = who == GUEST ? new MappingType.Guest(t, new Ept.Entry(WB, true)) : new MappingType.Cpu(t);
        return new Observation.MappingSet(new Mapping(buffer, who, type, true));
    }

    static Observation gone(String buffer, Who who) {
        return new Observation.MappingGone(buffer, who);
    }

    static Observation write(String buffer, Who who, MemType t, int value) {
        return new Observation.Access(buffer, who, new MappingType.Cpu(t), true, 0, value);
    }

    static Observation read(String buffer, Who who, MemType t) {
        return new Observation.Access(buffer, who, new MappingType.Cpu(t), false, 0, 0);
    }

    static Observation dmaRead(String buffer, boolean snoop) {
        return new Observation.Access(buffer, GPU, new MappingType.Dma(snoop), false, 0, 0);
    }

    /**
     * The thread's motivating run on two buffers, from three nodes: b0 is a USWC buffer the guest sees WB (KVM 6.10),
     * then the guest's write is read by the renderer; b1 is consistent.
     */
    static List<Event> history() {
        List<Event> es = new ArrayList<>();
        es.add(new Event("gpu-process-node", 1, 1, 1, 1, set("b0", RENDERER, WC)));
        es.add(new Event("gpu-process-node", 1, 2, 1, 2, set("b1", RENDERER, WC)));
        es.add(new Event("qemu-node", 1, 1, 2, 3, set("b0", QEMU, WC)));
        es.add(new Event("qemu-node", 1, 2, 2, 4, set("b1", QEMU, WC)));
        es.add(new Event("kvm-node", 1, 1, 3, 5, set("b0", GUEST, WB)));
        es.add(new Event("kvm-node", 1, 2, 3, 6, set("b1", GUEST, WC)));
        es.add(new Event("kvm-node", 1, 3, 4, 7, write("b0", GUEST, WB, 0xab)));
        es.add(new Event("kvm-node", 1, 4, 4, 8, write("b1", GUEST, WC, 0xcd)));
        es.add(new Event("gpu-process-node", 1, 3, 5, 9, read("b0", RENDERER, WC)));
        es.add(new Event("gpu-process-node", 1, 4, 5, 10, read("b1", RENDERER, WC)));
        return es;
    }

    static Report assess(List<Event> events) {
        CoherencyLedger ledger = new CoherencyLedger(INTEL);
        events.forEach(ledger::add);
        return ledger.assess();
    }

    @Test
    void theMotivatingRunIsAHazardOnB0Only() {
        Report r = assess(history());
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.buffers()).containsEntry("b0", Verdict.HAZARD).containsEntry("b1", Verdict.CONSISTENT);
        assertThat(r.hazards()).extracting(Hazard::buffer).containsOnly("b0");
        assertThat(r.hazards())
                .extracting(Hazard::between)
                .containsExactlyInAnyOrder(List.of(GUEST, QEMU), List.of(GUEST, RENDERER));
    }

    @Test
    void anObservedStaleReadAttachesAnObservedAtStepWitness() {
        Report r = assess(history());
        Hazard h = NodeRig.hazards(r, GUEST, RENDERER).get(0);
        assertThat(h.witness())
                .isEqualTo("observed at step 5: guest write 0xab stayed in the CPU cache; renderer read 0x00");
        assertThat(h.step()).as("first seen when the guest mapping appeared").isEqualTo(3);
        assertThat(h.kind()).isEqualTo(Hazard.Kind.MEMTYPE_ALIAS);
        // the guest/qemu alias was only predicted: its witness comes from the probe
        assertThat(NodeRig.hazards(r, GUEST, QEMU).get(0).witness())
                .isEqualTo("guest write 0xab stayed in the CPU cache; qemu read 0x00");
    }

    @Test
    void anObservedStaleReadNobodyPredictedBecomesAHazardOfItsOwn() {
        List<Event> es = List.of(
                new Event("kvm-node", 1, 1, 1, 1, write("b0", GUEST, WB, 0xab)),
                new Event("gpu-process-node", 1, 1, 2, 2, dmaRead("b0", false)));
        Report r = assess(es);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.hazards()).singleElement().satisfies(h -> {
            assertThat(h.between()).containsExactly(GUEST, GPU);
            assertThat(h.kind()).isEqualTo(Hazard.Kind.NON_SNOOPED_DMA);
            assertThat(h.types()).containsExactly("WB", "dma (no snoop)");
            assertThat(h.step()).isEqualTo(2);
            assertThat(h.witness())
                    .isEqualTo("observed at step 2: guest write 0xab stayed in the CPU cache; gpu read 0x00");
        });
    }

    @Test
    void aWcWriteIsVisibleToANonSnoopingGpuInTheNextStep() {
        // the conductor's step boundary drains the WC buffer (HostCache fence): no false hazard
        List<Event> es = List.of(
                new Event("kvm-node", 1, 1, 1, 1, write("b0", GUEST, WC, 0xab)),
                new Event("gpu-process-node", 1, 1, 2, 2, dmaRead("b0", false)));
        assertThat(assess(es).verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    @Test
    void duplicatesAreIgnored() {
        CoherencyLedger ledger = new CoherencyLedger(INTEL);
        List<Event> es = history();
        es.forEach(e -> assertThat(ledger.add(e)).isTrue());
        es.forEach(e -> assertThat(ledger.add(e)).as("duplicate %s", e).isFalse());
        // a re-sent event is recognised by node, incarnation and seq
        Event first = es.get(0);
        assertThat(ledger.add(new Event(first.node(), first.incarnation(), first.seq(), 1, 1, first.observation())))
                .isFalse();
        assertThat(ledger.size()).isEqualTo(es.size());
        assertThat(ledger.assess()).isEqualTo(assess(es));
        assertThat(ledger.history()).hasSize(es.size());
    }

    @Test
    void theSameSeqFromANewIncarnationIsNotADuplicate() {
        CoherencyLedger ledger = new CoherencyLedger(INTEL);
        assertThat(ledger.add(new Event("kvm-node", 1, 1, 1, 1, set("b0", GUEST, WB))))
                .isTrue();
        assertThat(ledger.add(new Event("kvm-node", 2, 1, 2, 2, set("b0", GUEST, WC))))
                .isTrue();
        assertThat(ledger.size()).isEqualTo(2);
    }

    @Test
    void gapFindsTheMissingSequenceNumbersPerIncarnation() {
        CoherencyLedger ledger = new CoherencyLedger(INTEL);
        for (long seq : new long[] {1, 2, 4, 6, 4}) {
            ledger.add(new Event("qemu-node", 1, seq, (int) seq, seq, set("b0", QEMU, WC)));
        }
        assertThat(ledger.gap("qemu-node", 1, 6).missing()).containsExactly(3L, 5L);
        assertThat(ledger.gap("qemu-node", 1, 7).missing()).containsExactly(3L, 5L, 7L);
        assertThat(ledger.gap("qemu-node", 1, 2).missing()).isEmpty();
        assertThat(ledger.gap("qemu-node", 2, 2).missing()).containsExactly(1L, 2L);
        assertThat(ledger.gap("kvm-node", 1, 1)).isEqualTo(new CoherencyLedger.Gap("kvm-node", 1, List.of(1L)));
    }

    @Test
    void aHazardSeenOnlyWhileAMappingExistedIsStillReported() {
        List<Event> es = List.of(
                new Event("gpu-process-node", 1, 1, 1, 1, set("b0", RENDERER, WC)),
                new Event("kvm-node", 1, 1, 2, 2, set("b0", GUEST, WB)),
                new Event("kvm-node", 1, 2, 3, 3, gone("b0", GUEST)));
        Report r = assess(es);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.mappings()).extracting(Mapping::who).containsExactly(RENDERER);
        assertThat(NodeRig.hazards(r, GUEST, RENDERER)).singleElement().satisfies(h -> {
            assertThat(h.step()).isEqualTo(2);
            assertThat(h.types()).containsExactly("WB", "WC");
        });
    }

    @Test
    void aHazardFixedByARebuildIsStillReportedWithTheStepItAppeared() {
        // DOMAIN rule 18: a zap rebuilds the guest's SPTEs with a new type; the earlier divergence still happened
        List<Event> es = List.of(
                new Event("gpu-process-node", 1, 1, 1, 1, set("b0", RENDERER, WC)),
                new Event("kvm-node", 1, 1, 2, 2, set("b0", GUEST, WB)),
                new Event("kvm-node", 1, 2, 3, 3, set("b0", GUEST, WC)));
        Report r = assess(es);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(NodeRig.mapping(r, "b0", GUEST).orElseThrow().type().label()).isEqualTo("WC");
        assertThat(NodeRig.hazards(r, GUEST, RENDERER))
                .singleElement()
                .extracting(Hazard::step)
                .isEqualTo(2);
    }

    @Test
    void aMappingGoneWhoseMappingSetWasDroppedDoesNotBreakTheMonitor() {
        // SCENARIOS.md faults: a dropped message must not stop the monitor from reporting what it did see
        List<Event> es = List.of(
                new Event("qemu-node", 1, 2, 3, 3, gone("b1", QEMU)),
                new Event("gpu-process-node", 1, 1, 1, 1, set("b0", RENDERER, WC)),
                new Event("kvm-node", 1, 1, 2, 2, set("b0", GUEST, WB)),
                new Event("kvm-node", 1, 2, 4, 4, gone("b0", QEMU)));
        Report r = assess(es);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(NodeRig.hazards(r, GUEST, RENDERER)).hasSize(1);
        assertThat(r.mappings()).extracting(Mapping::who).containsExactlyInAnyOrder(RENDERER, GUEST);
    }

    @Test
    void aReportedHazardIsKeptWithTheStepItArrivedIn() {
        Hazard unmappable = new Hazard(
                "b0", List.of(QEMU, RENDERER), List.of("none", "WC"), Hazard.Kind.UNMAPPABLE, 0, "-ENOTSUPP");
        List<Event> es = List.of(
                new Event("gpu-process-node", 1, 1, 1, 1, set("b0", RENDERER, WC)),
                new Event("qemu-node", 1, 1, 3, 2, new Observation.Reported(unmappable)));
        Report r = assess(es);
        assertThat(r.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(r.hazards()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(Hazard.Kind.UNMAPPABLE);
            assertThat(h.step()).isEqualTo(3);
            assertThat(h.witness()).isEqualTo("-ENOTSUPP");
        });
    }

    @Test
    void anEmptyLedgerIsConsistent() {
        Report r = new CoherencyLedger(INTEL).assess();
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(r.hazards()).isEmpty();
        assertThat(r.mappings()).isEmpty();
    }

    @Test
    void historyIsInCausalOrderWhateverTheArrivalOrder() {
        List<Event> es = history();
        CoherencyLedger ledger = new CoherencyLedger(INTEL);
        for (int i = es.size() - 1; i >= 0; i--) {
            ledger.add(es.get(i));
        }
        assertThat(ledger.history()).containsExactlyElementsOf(es);
    }

    @Provide
    Arbitrary<List<Event>> deliveries() {
        List<Event> es = history();
        // every event at least once, some twice (at-least-once delivery), in any order
        return Arbitraries.subsetOf(es).flatMap(dups -> {
            List<Event> all = new ArrayList<>(es);
            all.addAll(dups);
            return Arbitraries.shuffle(all);
        });
    }

    @Property
    void anyDeliveryOrderWithDuplicatesGivesTheSameReport(@ForAll("deliveries") List<Event> delivered) {
        assertThat(assess(delivered)).isEqualTo(assess(history()));
    }

    @Provide
    Arbitrary<List<Event>> randomRuns() {
        Arbitrary<Observation> obs = Combinators.combine(
                        Arbitraries.of("b0", "b1"),
                        Arbitraries.of(GUEST, QEMU, RENDERER, GPU),
                        Arbitraries.of(WB, WC, MemType.UC, MemType.WT),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.of(0x11, 0xab))
                .as((b, who, t, kind, v) -> {
                    if (who == GPU) {
                        Observation.Access a =
                                new Observation.Access(b, GPU, new MappingType.Dma(t == WB), kind == 0, 0, v);
                        return kind == 3 ? new Observation.MappingSet(new Mapping(b, GPU, a.type(), true)) : a;
                    }
                    return switch (kind) {
                        case 0 -> write(b, who, t, v);
                        case 1 -> read(b, who, t);
                        case 2 -> gone(b, who);
                        default -> set(b, who, t);
                    };
                });
        return obs.list().ofMinSize(1).ofMaxSize(12).map(list -> {
            List<Event> es = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String node =
                        List.of("kvm-node", "qemu-node", "gpu-process-node").get(i % 3);
                es.add(new Event(node, 1, i / 3 + 1, i / 2 + 1, i + 1, list.get(i)));
            }
            return es;
        });
    }

    @Property
    void anyRunIsAssessedTheSameWhateverTheDeliveryOrder(
            @ForAll("randomRuns") List<Event> run, @ForAll java.util.Random random) {
        List<Event> shuffled = new ArrayList<>(run);
        java.util.Collections.shuffle(shuffled, random);
        shuffled.add(run.get(random.nextInt(run.size())));
        assertThat(assess(shuffled)).isEqualTo(assess(run));
    }
}
