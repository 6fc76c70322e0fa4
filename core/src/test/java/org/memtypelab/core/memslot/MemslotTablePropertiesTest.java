package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.SetRequest.Ioctl;
import org.memtypelab.core.memslot.SetResult.Applied;
import org.memtypelab.core.memslot.SetResult.Change;
import org.memtypelab.core.memslot.SetResult.Failed;

/** Laws of the memslot table under random ioctl sequences (DOMAIN rules 19-24). */
class MemslotTablePropertiesTest {

    private static final long PAGE = MemslotRules.PAGE_SIZE;
    private static final long HVA = 0x7000_0000_0000L;
    private static final List<String> KERNELS =
            List.of("5.11", "6.7", "6.12", "5.6+kvm-mem-dma", "6.1+dma-excludes-dirty-log");
    private static final int SEEDS_PER_KERNEL = 40;
    private static final Kind[] KINDS = Kind.values();
    /** Flag words: none, LOG_DIRTY_PAGES, READONLY, bit 2 (GUEST_MEMFD or KVM_MEM_DMA), two mixes, unused bit 3. */
    private static final int[] FLAG_WORDS = {0, 1, 2, 3, 4, 5, 8};

    /** How an operation picks its request: a fresh random one, or one derived from the slot it names. */
    enum Kind {
        RANDOM,
        MOVE,
        TOGGLE_FLAG,
        RESIZE,
        DELETE,
        REPEAT_LAST
    }

    /** One step of a random history; turned into a request against the table's current state. */
    record Op(Kind kind, int asId, int id, long gpaPage, long pages, int flags, Ioctl ioctl, boolean aligned) {

        SetRequest toRequest(MemslotTable table, SetRequest last) {
            Optional<Memslot> existing = table.get(asId, id);
            SetRequest fresh = new SetRequest(
                    SetRequest.slot(asId, id),
                    flags,
                    gpaPage * PAGE + (aligned ? 0 : 512),
                    pages * PAGE,
                    HVA + id * (1L << 32),
                    ioctl);
            if (kind == Kind.REPEAT_LAST && last != null) {
                return last;
            }
            if (kind == Kind.DELETE) {
                return SetRequest.delete(asId, id);
            }
            if (kind == Kind.RANDOM || existing.isEmpty()) {
                return fresh;
            }
            Memslot s = existing.get();
            SetRequest same = new SetRequest(s.slot(), s.flagBits(), s.gpa(), s.size(), s.hva(), ioctl);
            return switch (kind) {
                // half of the moves are short hops, which overlap the slot's own old range and its neighbours
                case MOVE ->
                    same.withGpa(
                            gpaPage % 2 == 0 ? gpaPage * PAGE : Math.max(0, s.gpa() / PAGE + gpaPage % 9 - 4) * PAGE);
                case TOGGLE_FLAG -> same.withFlags(same.flags() ^ (flags == 0 ? 1 : flags));
                case RESIZE -> new SetRequest(s.slot(), s.flagBits(), s.gpa(), pages * PAGE, s.hva(), ioctl);
                default -> same;
            };
        }
    }

    /** Every kernel with its own seeds: 200 different histories, seeded 1 to 200 so a report's index is the seed. */
    static Stream<Arguments> kernelsAndSeeds() {
        return IntStream.rangeClosed(1, KERNELS.size() * SEEDS_PER_KERNEL)
                .mapToObj(seed -> Arguments.of(KERNELS.get((seed - 1) / SEEDS_PER_KERNEL), seed));
    }

    /** A random history of 1 to 60 operations drawn from {@code seed}. */
    static List<Op> history(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = 1 + random.nextInt(60);
        List<Op> ops = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ops.add(new Op(
                    KINDS[weighted(random, 4, 3, 3, 1, 1, 1)],
                    // as_id 2 and unaligned gpas are rare, so most requests get past the early checks to the
                    // table-changing ones
                    weighted(random, 12, 6, 1),
                    random.nextInt(8),
                    random.nextLong(33),
                    random.nextLong(13),
                    FLAG_WORDS[weighted(random, 8, 6, 2, 1, 1, 1, 1)],
                    random.nextInt(5) < 4 ? Ioctl.V1 : Ioctl.V2,
                    random.nextInt(20) < 19));
        }
        return ops;
    }

    /** An index drawn with the given relative weights. */
    private static int weighted(SplittableRandom random, int... weights) {
        int r = random.nextInt(IntStream.of(weights).sum());
        int i = 0;
        while (r >= weights[i]) {
            r -= weights[i++];
        }
        return i;
    }

    /** Runs {@code check} for one step, naming the history and the step's request if it fails. */
    private static void atStep(String kernel, int seed, int step, SetRequest request, Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            throw new AssertionError(
                    "kernel " + kernel + ", seed " + seed + ", step " + step + ", " + request + ": " + e.getMessage(),
                    e);
        }
    }

    @ParameterizedTest(name = "kernel {0}, seed {1}")
    @MethodSource("kernelsAndSeeds")
    void slotsNeverOverlapAndLookupsFollowEverySuccessfulRequest(String kernel, int seed) {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of(kernel));
        List<Op> history = history(seed);
        SetRequest last = null;
        for (int step = 0; step < history.size(); step++) {
            SetRequest request = history.get(step).toRequest(table, last);
            List<Memslot> before = table.slots();
            long pagesBefore = table.totalPages();

            SetResult result = table.set(request);

            atStep(kernel, seed, step, request, () -> {
                if (result instanceof Failed failed) {
                    assertThat(failed.reason()).startsWith("DOMAIN");
                    assertThat(table.slots())
                            .as("a failed request changes nothing")
                            .isEqualTo(before);
                    assertThat(table.totalPages()).isEqualTo(pagesBefore);
                } else {
                    assertReflected((Applied) result, table, request);
                }
                assertInvariants(table);
            });
            last = request;
        }
    }

    @ParameterizedTest(name = "kernel {0}, seed {1}")
    @MethodSource("kernelsAndSeeds")
    void repeatingASuccessfulCreateMoveOrFlagsChangeIsANoOp(String kernel, int seed) {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of(kernel));
        List<Op> history = history(seed);
        Set<Change> repeatable = EnumSet.of(Change.CREATE, Change.MOVE, Change.FLAGS_ONLY, Change.NO_OP);
        SetRequest last = null;
        for (int step = 0; step < history.size(); step++) {
            SetRequest request = history.get(step).toRequest(table, last);
            SetResult first = table.set(request);
            if (first instanceof Applied a
                    && repeatable.contains(a.change())
                    && !a.after().orElseThrow().has(MemslotFlag.GUEST_MEMFD)) {
                List<Memslot> before = table.slots();
                SetResult again = table.set(request);
                atStep(kernel, seed, step, request, () -> {
                    assertThat(again).isInstanceOf(Applied.class);
                    assertThat(((Applied) again).change()).isEqualTo(Change.NO_OP);
                    assertThat(table.slots()).isEqualTo(before);
                });
            }
            last = request;
        }
    }

    /** Guards the generator: the laws above mean little unless the histories reach every kind of change. */
    @Test
    void theGeneratedHistoriesReachEveryChangeAndTheOverlapCheck() {
        Set<Change> changes = EnumSet.noneOf(Change.class);
        Set<Errno> errnos = EnumSet.noneOf(Errno.class);
        kernelsAndSeeds().forEach(args -> {
            MemslotTable table = MemslotTable.forKernel(KvmVersion.of((String) args.get()[0]));
            SetRequest last = null;
            for (Op op : history((Integer) args.get()[1])) {
                SetRequest request = op.toRequest(table, last);
                SetResult result = table.set(request);
                if (result instanceof Applied a) {
                    changes.add(a.change());
                } else {
                    errnos.add(((Failed) result).errno());
                }
                last = request;
            }
        });
        assertThat(changes).containsExactlyInAnyOrder(Change.values());
        assertThat(errnos).contains(Errno.EEXIST, Errno.EINVAL);
    }

    private static void assertReflected(Applied applied, MemslotTable table, SetRequest request) {
        int as = request.asId();
        applied.after().ifPresent(after -> {
            assertThat(after.gpa()).isEqualTo(request.gpa());
            assertThat(after.size()).isEqualTo(request.size());
            assertThat(table.get(as, request.id())).contains(after);
            assertThat(table.slotAt(as, after.gpa())).contains(after);
            assertThat(table.slotAt(as, after.endGpa() - 1)).contains(after);
        });
        applied.before().ifPresent(before -> {
            if (applied.after().isEmpty()) {
                assertThat(table.get(as, request.id())).isEmpty();
            }
            // the old range is free now except where the slot itself moved to
            for (long gpa = before.gpa(); gpa < before.endGpa(); gpa += PAGE) {
                Optional<Memslot> at = table.slotAt(as, gpa);
                assertThat(at.isEmpty() || applied.after().equals(at)).isTrue();
            }
        });
    }

    /** Rule 24 and the index: per address space no two slots overlap, and slotAt agrees with a linear scan. */
    private static void assertInvariants(MemslotTable table) {
        List<Memslot> all = table.slots();
        assertThat(table.count()).isEqualTo(all.size());
        assertThat(table.totalPages())
                .isEqualTo(all.stream().mapToLong(Memslot::npages).sum());
        for (int as = 0; as < table.rules().addressSpaces(); as++) {
            int asId = as;
            List<Memslot> inAs =
                    new ArrayList<>(all.stream().filter(s -> s.asId() == asId).toList());
            inAs.sort(Comparator.comparingLong(Memslot::gpa));
            for (int i = 1; i < inAs.size(); i++) {
                assertThat(inAs.get(i - 1).endGpa())
                        .as("rule 24 in as %d", as)
                        .isLessThanOrEqualTo(inAs.get(i).gpa());
            }
            for (long gpa = 0; gpa <= 64 * PAGE; gpa += PAGE / 2) {
                long probe = gpa;
                Optional<Memslot> scan =
                        inAs.stream().filter(s -> s.contains(probe)).findFirst();
                assertThat(table.slotAt(as, probe)).isEqualTo(scan);
            }
            inAs.forEach(s -> assertThat(table.get(asId, s.id())).contains(s));
        }
    }
}
