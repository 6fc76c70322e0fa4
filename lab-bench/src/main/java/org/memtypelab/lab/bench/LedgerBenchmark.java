package org.memtypelab.lab.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Row 5: the monitor's functional core in this JVM - {@link CoherencyLedger} collects a run's events (deduplicated)
 * and judges them; the baseline does only what any collector must (a map by event id, sorted by causal order).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LedgerBenchmark {

    /** Events per operation: a long run's worth (a catalogue run sends tens). */
    static final int EVENTS = 1024;

    private static final Coherence PLATFORM = new Coherence(CpuVendor.INTEL, false);

    private final List<Event> events = events();

    /**
     * 16 buffers; per buffer a renderer WC mapping, a guest WB mapping and GPU DMA without snoop (a hazard each),
     * then writes and reads through all of them: the mix the catalogue's hazard runs send.
     */
    static List<Event> events() {
        List<Event> out = new ArrayList<>(EVENTS);
        Map<Who, Long> seqs = new HashMap<>();
        int step = 0;
        while (out.size() < EVENTS) {
            String buffer = "b" + (step % 16);
            step++;
            add(out, seqs, step, new Observation.MappingSet(mapping(buffer, Who.RENDERER, MemType.WC)));
            add(out, seqs, step, new Observation.MappingSet(mapping(buffer, Who.QEMU, MemType.WB)));
            add(
                    out,
                    seqs,
                    step,
                    new Observation.MappingSet(new Mapping(buffer, Who.GPU, new MappingType.Dma(false), true)));
            for (int i = 0; i < 5 && out.size() < EVENTS; i++) {
                add(
                        out,
                        seqs,
                        step,
                        new Observation.Access(buffer, Who.QEMU, new MappingType.Cpu(MemType.WB), true, i * 64L, 0xab));
                add(
                        out,
                        seqs,
                        step,
                        new Observation.Access(
                                buffer, Who.RENDERER, new MappingType.Cpu(MemType.WC), false, i * 64L, 0));
            }
        }
        return List.copyOf(out.subList(0, EVENTS));
    }

    private static Mapping mapping(String buffer, Who who, MemType type) {
        return new Mapping(buffer, who, new MappingType.Cpu(type), true);
    }

    private static void add(List<Event> out, Map<Who, Long> seqs, int step, Observation o) {
        Who who = o instanceof Observation.MappingSet s ? s.mapping().who() : ((Observation.Access) o).who();
        long seq = seqs.merge(who, 1L, Long::sum);
        out.add(new Event(who.label(), 1, seq, step, out.size() + 1L, o));
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public CoherencyLedger.Report ledger() {
        CoherencyLedger ledger = new CoherencyLedger();
        for (Event e : events) {
            ledger.add(e);
        }
        return ledger.assess(PLATFORM);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public List<Event> collectOnly() {
        Map<String, Event> byId = new HashMap<>();
        for (Event e : events) {
            byId.putIfAbsent(e.node() + "/" + e.incarnation() + "/" + e.seq(), e);
        }
        List<Event> all = new ArrayList<>(byId.values());
        all.sort(java.util.Comparator.comparingInt(Event::step).thenComparingLong(Event::lamport));
        return all;
    }
}
