package org.memtypelab.lab.bench;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.memtypelab.core.memslot.DirtyLogResult;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memslot.MemslotRules;
import org.memtypelab.core.memslot.MemslotTable;
import org.memtypelab.core.memslot.SetRequest;
import org.memtypelab.core.memslot.SetResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Row 7: one 4 GiB slot logging dirty pages (DOMAIN 3.5) with all 1 M pages written by the guest, then synced
 * (KVM_GET_DIRTY_LOG with manual protect: a copy of the bitmap) and cleared (KVM_CLEAR_DIRTY_LOG over the whole
 * slot); the baseline does the same to a bare {@link BitSet}. One shot is all 1 M pages.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DirtyLogBenchmark {

    static final long SLOT_SIZE = 4L << 30;
    static final int PAGES = (int) (SLOT_SIZE / MemslotRules.PAGE_SIZE);
    static final long GPA = 1L << 32;

    /** A table with the one logging slot and no dirty page yet. */
    static MemslotTable logging() {
        MemslotTable table = MemslotTable.forKernel(MemslotBenchmark.KERNEL);
        SetResult r = table.set(SetRequest.of(
                0, 0, MemslotFlag.LOG_DIRTY_PAGES.bit(), GPA, SLOT_SIZE, MemslotBenchmark.HVA, SetRequest.Ioctl.V1));
        if (!(r instanceof SetResult.Applied)) {
            throw new IllegalStateException("the 4 GiB slot was refused: " + r);
        }
        return table;
    }

    static MemslotTable dirtyAll(MemslotTable table) {
        for (int page = 0; page < PAGES; page++) {
            table.markDirty(0, GPA + (long) page * MemslotRules.PAGE_SIZE);
        }
        return table;
    }

    /** A clean logging slot per shot. */
    @State(Scope.Thread)
    public static class Clean {
        MemslotTable table;
        BitSet bits;

        @Setup(Level.Invocation)
        public void make() {
            table = logging();
            bits = new BitSet();
        }
    }

    /** A slot with every page dirty, per shot. */
    @State(Scope.Thread)
    public static class Dirty {
        MemslotTable table;
        BitSet bits;

        @Setup(Level.Invocation)
        public void make() {
            table = dirtyAll(logging());
            bits = new BitSet();
            bits.set(0, PAGES);
        }
    }

    @Benchmark
    public MemslotTable dirty(Clean c) {
        return dirtyAll(c.table);
    }

    @Benchmark
    public DirtyLogResult sync(Dirty d) {
        DirtyLogResult r = d.table.getDirtyLog(0, 0, true);
        if (!(r instanceof DirtyLogResult.Log)) {
            throw new IllegalStateException("GET_DIRTY_LOG failed: " + r);
        }
        return r;
    }

    @Benchmark
    public DirtyLogResult clear(Dirty d) {
        DirtyLogResult r = d.table.clearDirtyLog(0, 0, 0, PAGES);
        if (!(r instanceof DirtyLogResult.Cleared c) || c.pagesCleared() != PAGES) {
            throw new IllegalStateException("CLEAR_DIRTY_LOG failed: " + r);
        }
        return r;
    }

    @Benchmark
    public BitSet bitsDirty(Clean c) {
        for (int page = 0; page < PAGES; page++) {
            c.bits.set(page);
        }
        return c.bits;
    }

    @Benchmark
    public Object bitsSync(Dirty d) {
        return d.bits.clone();
    }

    @Benchmark
    public BitSet bitsClear(Dirty d) {
        d.bits.clear(0, PAGES);
        return d.bits;
    }
}
