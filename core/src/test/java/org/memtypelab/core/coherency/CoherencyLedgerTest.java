package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.coherency.Who.GPU;
import static org.memtypelab.core.coherency.Who.GUEST;
import static org.memtypelab.core.coherency.Who.QEMU;
import static org.memtypelab.core.coherency.Who.RENDERER;
import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
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
        CoherencyLedger ledger = new CoherencyLedger();
        events.forEach(ledger::add);
        return ledger.assess(INTEL);
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
        Report r = assess(guestWriteThenNonSnoopingGpuRead(WB));
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
        assertThat(assess(guestWriteThenNonSnoopingGpuRead(WC)).verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    /** The guest writes 0xab to b0 through a {@code type} mapping; in the next step a non-snooping GPU reads it. */
    private static List<Event> guestWriteThenNonSnoopingGpuRead(MemType type) {
        return List.of(
                new Event("kvm-node", 1, 1, 1, 1, write("b0", GUEST, type, 0xab)),
                new Event("gpu-process-node", 1, 1, 2, 2, dmaRead("b0", false)));
    }

    @Test
    void duplicatesAreIgnored() {
        CoherencyLedger ledger = new CoherencyLedger();
        List<Event> es = history();
        es.forEach(e -> assertThat(ledger.add(e)).isTrue());
        es.forEach(e -> assertThat(ledger.add(e)).as("duplicate %s", e).isFalse());
        // a re-sent event is recognised by node, incarnation and seq
        Event first = es.get(0);
        assertThat(ledger.add(new Event(first.node(), first.incarnation(), first.seq(), 1, 1, first.observation())))
                .isFalse();
        assertThat(ledger.size()).isEqualTo(es.size());
        assertThat(ledger.assess(INTEL)).isEqualTo(assess(es));
        assertThat(ledger.history()).hasSize(es.size());
    }

    @Test
    void theSameSeqFromANewIncarnationIsNotADuplicate() {
        CoherencyLedger ledger = new CoherencyLedger();
        assertThat(ledger.add(new Event("kvm-node", 1, 1, 1, 1, set("b0", GUEST, WB))))
                .isTrue();
        assertThat(ledger.add(new Event("kvm-node", 2, 1, 2, 2, set("b0", GUEST, WC))))
                .isTrue();
        assertThat(ledger.size()).isEqualTo(2);
    }

    @Test
    void gapFindsTheMissingSequenceNumbersPerIncarnation() {
        CoherencyLedger ledger = new CoherencyLedger();
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
        Report r = new CoherencyLedger().assess(INTEL);
        assertThat(r.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(r.hazards()).isEmpty();
        assertThat(r.mappings()).isEmpty();
    }

    @ParameterizedTest(name = "DOMAIN rules 10a, 15a: renderer WC aliasing qemu WB on {0}, self-snoop {1} -> {2}")
    @CsvSource({"INTEL, true, BENIGN_ALIAS", "INTEL, false, HAZARD", "AMD, false, UNKNOWN"})
    void oneLedgerIsJudgedOnThePlatformItIsAssessedOn(CpuVendor cpu, boolean selfSnoop, Verdict verdict) {
        // the same ledger, already judged on another platform, holds no platform of its own
        CoherencyLedger ledger = new CoherencyLedger();
        ledger.add(new Event("gpu-process-node", 1, 1, 1, 1, set("b0", RENDERER, WC)));
        ledger.add(new Event("qemu-node", 1, 1, 2, 2, set("b0", QEMU, WB)));
        Coherence other =
                cpu == CpuVendor.INTEL ? new Coherence(CpuVendor.AMD, false) : new Coherence(CpuVendor.INTEL, true);

        Report before = ledger.assess(other);
        Report r = ledger.assess(new Coherence(cpu, selfSnoop));

        assertThat(before.verdict()).isNotEqualTo(verdict);
        assertThat(r.verdict()).isEqualTo(verdict);
        assertThat(r.hazards())
                .extracting(Hazard::kind)
                .isEqualTo(verdict == Verdict.HAZARD ? List.of(Hazard.Kind.MEMTYPE_ALIAS) : List.of());
    }

    @Test
    void historyIsInCausalOrderWhateverTheArrivalOrder() {
        List<Event> es = history();
        CoherencyLedger ledger = new CoherencyLedger();
        for (int i = es.size() - 1; i >= 0; i--) {
            ledger.add(es.get(i));
        }
        assertThat(ledger.history()).containsExactlyElementsOf(es);
    }

    /** Every subset of the motivating run's events, as a bitmask: the events delivered twice. */
    static IntStream duplicateSets() {
        return IntStream.range(0, 1 << history().size());
    }

    @ParameterizedTest(name = "events {0} (bitmask) delivered twice, shuffled with seed {0}")
    @MethodSource("duplicateSets")
    void anyDeliveryOrderWithDuplicatesGivesTheSameReport(int duplicated) {
        // every event at least once, some twice (at-least-once delivery), in any order
        List<Event> es = history();
        List<Event> delivered = new ArrayList<>(es);
        for (int i = 0; i < es.size(); i++) {
            if ((duplicated & (1 << i)) != 0) {
                delivered.add(es.get(i));
            }
        }
        Collections.shuffle(delivered, new Random(duplicated));
        assertThat(assess(delivered))
                .as("bitmask %d: %s", duplicated, delivered)
                .isEqualTo(assess(es));
    }

    /** Seeds 1 to 1000, so a run's index in a test report is its seed. */
    static IntStream seeds() {
        return IntStream.rangeClosed(1, 1000);
    }

    /** A run of 1 to 12 observations on two buffers from three nodes, drawn from {@code random}. */
    static List<Event> randomRun(Random random) {
        List<String> buffers = List.of("b0", "b1");
        List<Who> whos = List.of(GUEST, QEMU, RENDERER, GPU);
        List<MemType> types = List.of(WB, WC, MemType.UC, MemType.WT);
        List<String> nodes = List.of("kvm-node", "qemu-node", "gpu-process-node");
        int size = 1 + random.nextInt(12);
        List<Event> es = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String b = buffers.get(random.nextInt(buffers.size()));
            Who who = whos.get(random.nextInt(whos.size()));
            MemType t = types.get(random.nextInt(types.size()));
            int kind = random.nextInt(4);
            int v = random.nextBoolean() ? 0x11 : 0xab;
            es.add(new Event(nodes.get(i % 3), 1, i / 3 + 1, i / 2 + 1, i + 1, observation(b, who, t, kind, v)));
        }
        return es;
    }

    private static Observation observation(String b, Who who, MemType t, int kind, int v) {
        if (who == GPU) {
            Observation.Access a = new Observation.Access(b, GPU, new MappingType.Dma(t == WB), kind == 0, 0, v);
            return kind == 3 ? new Observation.MappingSet(new Mapping(b, GPU, a.type(), true)) : a;
        }
        return switch (kind) {
            case 0 -> write(b, who, t, v);
            case 1 -> read(b, who, t);
            case 2 -> gone(b, who);
            default -> set(b, who, t);
        };
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyRunIsAssessedTheSameWhateverTheDeliveryOrder(int seed) {
        Random random = new Random(seed);
        List<Event> run = randomRun(random);
        List<Event> shuffled = new ArrayList<>(run);
        Collections.shuffle(shuffled, random);
        shuffled.add(run.get(random.nextInt(run.size())));
        assertThat(assess(shuffled))
                .as("seed %d: %s delivered as %s", seed, run, shuffled)
                .isEqualTo(assess(run));
    }
}
