package org.memtypelab.core.coherency;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.memtypelab.core.memtype.MemType;

/**
 * The host memory system for one buffer, per byte offset: memory contents, CPU cache contents (with a dirty bit)
 * and the write-combining buffer. It is what turns a memtype divergence into a witness: the value written and the
 * value another mapping or the GPU actually reads (DOMAIN rule 10a, SDM 1.3 footnotes, rule 6).
 *
 * <p>Simplifications: one cache shared by all CPUs (guest vCPUs and host threads run on the same cache
 * hierarchy); byte granularity instead of 64-byte lines; WC buffers drain at the end of every step (the conductor's
 * step boundary acts as a fence).
 */
public final class HostCache {

    private record CachedByte(int value, boolean dirty) {}

    private record LastWrite(int value, Accessor by) {}

    /** A read that returned something other than the last value written: the stale-data witness. */
    public record Witness(Accessor writer, int written, Accessor reader, int seen, String where) {
        /** One line, e.g. {@code guest write 0xab stayed in the CPU cache; gpu read 0x00}. */
        public String text() {
            return String.format(
                    "%s write 0x%02x %s; %s read 0x%02x",
                    writer.who().label(), written, where, reader.who().label(), seen);
        }
    }

    private final Coherence coherence;
    private final Map<Long, Integer> memory = new HashMap<>();
    private final Map<Long, CachedByte> cache = new HashMap<>();
    private final Map<Long, Integer> wcBuffer = new HashMap<>();
    private final Map<Long, LastWrite> lastWrite = new HashMap<>();

    public HostCache(Coherence coherence) {
        this.coherence = coherence;
    }

    /** A write of one byte by {@code by}. */
    public void write(Accessor by, long offset, int value) {
        lastWrite.put(offset, new LastWrite(value, by));
        if (by instanceof Accessor.Gpu gpu) {
            memory.put(offset, value);
            if (gpu.snoop()) {
                cache.remove(offset); // a snooping DMA write invalidates the CPU's copy
            }
            return;
        }
        Accessor.Cpu cpu = (Accessor.Cpu) by;
        MemType t = cpu.type();
        switch (t) {
            case WB -> cache.put(offset, new CachedByte(value, true));
            case WT -> {
                cache.put(offset, new CachedByte(value, false));
                memory.put(offset, value);
            }
            case WP -> {
                cache.remove(offset);
                memory.put(offset, value);
            }
            case WC, WC_PLUS -> {
                if (snoops(cpu)) {
                    cache.remove(offset);
                }
                wcBuffer.put(offset, value);
            }
            case UC, UC_MINUS, CD -> {
                if (snoops(cpu)) {
                    cache.remove(offset);
                }
                memory.put(offset, value);
            }
        }
    }

    /** A read of one byte by {@code by}; returns a witness if it saw something other than the last write. */
    public Optional<Witness> read(Accessor by, long offset) {
        int seen = observe(by, offset);
        LastWrite last = lastWrite.get(offset);
        if (last == null || last.value() == seen) {
            return Optional.empty();
        }
        return Optional.of(new Witness(last.by(), last.value(), by, seen, where(offset, last)));
    }

    /** The value {@code by} reads, updating the cache as the hardware would. */
    public int observe(Accessor by, long offset) {
        CachedByte line = cache.get(offset);
        if (by instanceof Accessor.Gpu gpu) {
            return gpu.snoop() && line != null ? line.value() : memory.getOrDefault(offset, 0);
        }
        Accessor.Cpu cpu = (Accessor.Cpu) by;
        MemType t = cpu.type();
        if (t.isCacheable()) {
            if (line != null) {
                return line.value();
            }
            int v = memory.getOrDefault(offset, 0);
            cache.put(offset, new CachedByte(v, false));
            return v;
        }
        if (line != null && line.dirty() && snoops(cpu)) {
            memory.put(offset, line.value()); // the snoop writes the dirty line back first
            cache.put(offset, new CachedByte(line.value(), false));
        }
        return memory.getOrDefault(offset, 0);
    }

    /**
     * Whether an uncached access snoops here. Where DOMAIN.md does not say, the simulation assumes it does: it must
     * not invent a witness the classifier calls unknown.
     */
    private boolean snoops(Accessor.Cpu cpu) {
        return coherence.snoops(cpu) != Coherence.Snooping.NO;
    }

    /** Drains write-combining buffers to memory (a fence; the conductor's step boundary). */
    public void fence() {
        memory.putAll(wcBuffer);
        wcBuffer.clear();
    }

    private String where(long offset, LastWrite last) {
        CachedByte line = cache.get(offset);
        if (line != null && line.dirty() && line.value() == last.value()) {
            return "stayed in the CPU cache";
        }
        if (wcBuffer.containsKey(offset)) {
            return "sat in the write-combining buffer";
        }
        if (line != null && line.value() != last.value()) {
            return "went to memory, but a stale CPU cache line was kept";
        }
        return "was lost";
    }

    /**
     * Runs the canonical probes on a fresh memory system to show whether {@code a} and {@code b} can see stale
     * data: a writes then b reads; b writes then a reads; and each with the reader's cache warmed first.
     */
    public static Optional<Witness> probe(Coherence coherence, Accessor a, Accessor b) {
        for (Accessor[] pair : new Accessor[][] {{a, b}, {b, a}}) {
            for (boolean warm : new boolean[] {false, true}) {
                HostCache c = new HostCache(coherence);
                if (warm) {
                    c.observe(pair[1], 0);
                }
                c.write(pair[0], 0, 0xab);
                c.fence();
                Optional<Witness> w = c.read(pair[1], 0);
                if (w.isPresent()) {
                    return w;
                }
            }
        }
        return Optional.empty();
    }
}
