package org.memtypelab.lab.bench;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.memtypelab.core.kvm.KvmVersion;
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
 * Row 6: every memslot a v5.12+ VM may have (DOMAIN 3.3: 32,764) created, looked up by gpa and id, and deleted through
 * core's {@link MemslotTable} (each call validated as KVM_SET_USER_MEMORY_REGION would be); the baseline does the same
 * with a bare {@link TreeMap} by gpa. One shot is all 32,764.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MemslotBenchmark {

    static final int SLOTS = MemslotRules.USER_MEM_SLOTS_FROM_5_12;
    static final long SLOT_SIZE = 2L << 20;
    static final long HVA = 0x7f00_0000_0000L;
    static final KvmVersion KERNEL = KvmVersion.of(6, 16);

    static SetRequest create(int id) {
        return SetRequest.of(0, id, 0, gpa(id), SLOT_SIZE, HVA + id * SLOT_SIZE, SetRequest.Ioctl.V1);
    }

    static long gpa(int id) {
        return (1L << 32) + id * SLOT_SIZE;
    }

    /** A table holding all {@link #SLOTS} slots; fails if KVM would refuse one. */
    static MemslotTable full() {
        MemslotTable table = MemslotTable.forKernel(KERNEL);
        for (int id = 0; id < SLOTS; id++) {
            if (!(table.set(create(id)) instanceof SetResult.Applied)) {
                throw new IllegalStateException("slot " + id + " was refused");
            }
        }
        return table;
    }

    static TreeMap<Long, SetRequest> fullTree() {
        TreeMap<Long, SetRequest> tree = new TreeMap<>(Long::compareUnsigned);
        for (int id = 0; id < SLOTS; id++) {
            tree.put(gpa(id), create(id));
        }
        return tree;
    }

    /** A full table, once per trial (lookups do not change it). */
    @State(Scope.Thread)
    public static class Filled {
        MemslotTable table;
        TreeMap<Long, SetRequest> tree;

        @Setup(Level.Trial)
        public void fill() {
            table = full();
            tree = fullTree();
        }
    }

    /** A full table per shot (deletes empty it). */
    @State(Scope.Thread)
    public static class Refilled {
        MemslotTable table;
        TreeMap<Long, SetRequest> tree;

        @Setup(Level.Invocation)
        public void fill() {
            table = full();
            tree = fullTree();
        }
    }

    @Benchmark
    public MemslotTable create() {
        return full();
    }

    @Benchmark
    public long lookup(Filled f) {
        long found = 0;
        for (int id = 0; id < SLOTS; id++) {
            found += f.table.slotAt(0, gpa(id) + 4096).isPresent() ? 1 : 0;
            found += f.table.get(0, id).isPresent() ? 1 : 0;
        }
        return found;
    }

    @Benchmark
    public MemslotTable delete(Refilled r) {
        for (int id = 0; id < SLOTS; id++) {
            r.table.set(SetRequest.delete(0, id));
        }
        return r.table;
    }

    @Benchmark
    public TreeMap<Long, SetRequest> treeCreate() {
        return fullTree();
    }

    @Benchmark
    public long treeLookup(Filled f) {
        long found = 0;
        for (int id = 0; id < SLOTS; id++) {
            found += f.tree.floorEntry(gpa(id) + 4096) != null ? 1 : 0;
        }
        return found;
    }

    @Benchmark
    public TreeMap<Long, SetRequest> treeDelete(Refilled r) {
        for (int id = 0; id < SLOTS; id++) {
            r.tree.remove(gpa(id));
        }
        return r.tree;
    }
}
