package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.SetRequest.Ioctl;
import org.memtypelab.core.memslot.SetResult.Applied;
import org.memtypelab.core.memslot.SetResult.Change;
import org.memtypelab.core.memslot.SetResult.Failed;

/** Laws of the memslot table under random ioctl sequences (DOMAIN rules 19-24). */
class MemslotTablePropertiesTest {

    private static final long PAGE = MemslotRules.PAGE_SIZE;
    private static final long HVA = 0x7000_0000_0000L;

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

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Kind.RANDOM)),
                Tuple.of(3, Arbitraries.just(Kind.MOVE)),
                Tuple.of(3, Arbitraries.just(Kind.TOGGLE_FLAG)),
                Tuple.of(1, Arbitraries.just(Kind.RESIZE)),
                Tuple.of(1, Arbitraries.just(Kind.DELETE)),
                Tuple.of(1, Arbitraries.just(Kind.REPEAT_LAST)));
        // as_id 2 and unaligned gpas are rare, so most requests get past the early checks to the table-changing ones
        Arbitrary<Integer> asId = Arbitraries.frequency(Tuple.of(12, 0), Tuple.of(6, 1), Tuple.of(1, 2));
        Arbitrary<Integer> flags = Arbitraries.frequency(
                Tuple.of(8, 0),
                Tuple.of(6, 1),
                Tuple.of(2, 2),
                Tuple.of(1, 3),
                Tuple.of(1, 4),
                Tuple.of(1, 5),
                Tuple.of(1, 8));
        Arbitrary<Op> op = Combinators.combine(
                        kind,
                        asId,
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.longs().between(0, 32),
                        Arbitraries.longs().between(0, 12),
                        flags,
                        Arbitraries.frequency(Tuple.of(4, Ioctl.V1), Tuple.of(1, Ioctl.V2)),
                        Arbitraries.frequency(Tuple.of(19, true), Tuple.of(1, false)))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(60);
    }

    @Provide
    Arbitrary<String> kernels() {
        return Arbitraries.of("5.11", "6.7", "6.12", "5.6+kvm-mem-dma", "6.1+dma-excludes-dirty-log");
    }

    @Property(tries = 200)
    void slotsNeverOverlapAndLookupsFollowEverySuccessfulRequest(
            @ForAll("histories") List<Op> history, @ForAll("kernels") String kernel) {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of(kernel));
        SetRequest last = null;
        for (Op op : history) {
            SetRequest request = op.toRequest(table, last);
            List<Memslot> before = table.slots();
            long pagesBefore = table.totalPages();

            SetResult result = table.set(request);
            Statistics.label("outcome")
                    .collect(
                            result instanceof Failed f
                                    ? f.errno() + " "
                                            + f.reason().substring(0, f.reason().indexOf(':'))
                                    : ((Applied) result).change().name());

            if (result instanceof Failed failed) {
                assertThat(failed.reason()).startsWith("DOMAIN");
                assertThat(table.slots()).as("a failed request changes nothing").isEqualTo(before);
                assertThat(table.totalPages()).isEqualTo(pagesBefore);
            } else {
                assertReflected((Applied) result, table, request);
            }
            assertInvariants(table);
            last = request;
        }
    }

    @Property(tries = 200)
    void repeatingASuccessfulCreateMoveOrFlagsChangeIsANoOp(
            @ForAll("histories") List<Op> history, @ForAll("kernels") String kernel) {
        MemslotTable table = MemslotTable.forKernel(KvmVersion.of(kernel));
        SetRequest last = null;
        for (Op op : history) {
            SetRequest request = op.toRequest(table, last);
            SetResult first = table.set(request);
            Set<Change> repeatable = EnumSet.of(Change.CREATE, Change.MOVE, Change.FLAGS_ONLY, Change.NO_OP);
            if (first instanceof Applied a
                    && repeatable.contains(a.change())
                    && !a.after().orElseThrow().has(MemslotFlag.GUEST_MEMFD)) {
                List<Memslot> before = table.slots();
                SetResult again = table.set(request);
                assertThat(again).isInstanceOf(Applied.class);
                assertThat(((Applied) again).change()).isEqualTo(Change.NO_OP);
                assertThat(table.slots()).isEqualTo(before);
            }
            last = request;
        }
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
