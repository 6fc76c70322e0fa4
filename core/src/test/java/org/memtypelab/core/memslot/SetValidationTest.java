package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.memslot.Requests.BIT2;
import static org.memtypelab.core.memslot.Requests.GIB;
import static org.memtypelab.core.memslot.Requests.LOG;
import static org.memtypelab.core.memslot.Requests.MIB;
import static org.memtypelab.core.memslot.Requests.PAGE;
import static org.memtypelab.core.memslot.Requests.RO;
import static org.memtypelab.core.memslot.Requests.table;
import static org.memtypelab.core.memslot.Requests.v1;
import static org.memtypelab.core.memslot.Requests.v2;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.memslot.SetRequest.Ioctl;
import org.memtypelab.core.memslot.SetResult.Applied;
import org.memtypelab.core.memslot.SetResult.Change;
import org.memtypelab.core.memslot.SetResult.Failed;

/** Every step of DOMAIN 3.2, one row per outcome: errno and cited rule, or the change KVM makes. */
class SetValidationTest {

    /** One row: a kernel, slots installed first, the request, and either a change or an errno with its citation. */
    record Case(String kernel, List<SetRequest> setup, SetRequest request, Change change, Errno errno, String cite) {}

    private static final SetRequest SLOT3 = v1(3, 0, 4 * GIB, GIB);
    private static final SetRequest SLOT3_RO = v1(3, RO, 4 * GIB, GIB);
    private static final SetRequest SLOT3_LOG = v1(3, LOG, 4 * GIB, GIB);
    private static final SetRequest SLOT4 = v1(4, 0, 8 * GIB, GIB);
    private static final SetRequest GMEM3 = v2(3, BIT2, 4 * GIB, GIB);
    private static final SetRequest DMA3 = v1(3, BIT2, 4 * GIB, GIB);

    static Stream<Arguments> cases() {
        return Stream.of(
                // ioctl layer (DOMAIN 3.2 step 10, runs before __kvm_set_memory_region)
                fails(
                        "DOMAIN 3.1: KVM_SET_USER_MEMORY_REGION2 on 6.7 -> ENOTTY",
                        "6.7",
                        v2(1, 0, 0, MIB),
                        Errno.ENOTTY),
                fails("DOMAIN rule 19 (3.2 step 10): v1 ioctl rejects GUEST_MEMFD", "6.12", v1(1, BIT2, 0, MIB)),
                fails("DOMAIN rule 19 (3.2 step 10): v1 ioctl on 6.8 rejects GUEST_MEMFD", "6.8", v1(1, BIT2, 0, MIB)),
                fails(
                        "DOMAIN rule 19 (3.2 step 10): v1 ioctl on 6.12.78 rejects GUEST_MEMFD",
                        "6.12.78",
                        v1(1, BIT2, 0, MIB)),
                fails(
                        "DOMAIN rule 19 (3.2 step 10): v1 ioctl on 6.16 rejects GUEST_MEMFD | READONLY",
                        "6.16",
                        v1(1, RO | BIT2, 0, MIB)),
                fails("DOMAIN rule 19 (3.2 step 10): v1 ioctl rejects unknown bit 3", "6.12", v1(1, 8, 0, MIB)),
                fails("DOMAIN rule 19 (3.2 step 10): v1 ioctl on 5.6 rejects bit 2", "5.6", v1(1, BIT2, 0, MIB)),
                // step 1: check_memory_region_flags()
                fails("DOMAIN rule 19: v2 ioctl rejects unknown bit 3", "6.12", v2(1, 8, 0, MIB)),
                fails("DOMAIN rule 19: v2 ioctl rejects bit 31", "6.12", v2(1, 1 << 31, 0, MIB)),
                fails("DOMAIN rule 19: LOG_DIRTY_PAGES | GUEST_MEMFD", "6.12", v2(1, LOG | BIT2, 0, MIB)),
                fails("DOMAIN rule 19 (3.2 step 1): READONLY | GUEST_MEMFD", "6.12", v2(1, RO | BIT2, 0, MIB)),
                fails(
                        "DOMAIN rule 19: v2 ioctl on 6.12+kvm-mem-dma rejects bit 3",
                        "6.12+kvm-mem-dma",
                        v2(1, 8, 0, MIB)),
                applies(
                        "DOMAIN 9 option 6 (Sean: the slot stays, KVM forces WB): KVM_MEM_DMA | LOG_DIRTY_PAGES creates",
                        "5.6+dma-excludes-dirty-log",
                        v1(1, LOG | BIT2, 0, MIB),
                        Change.CREATE),
                applies("DOMAIN rule 19: GUEST_MEMFD through v2 on 6.12 creates", "6.12", GMEM3, Change.CREATE),
                applies("DOMAIN rule 19: READONLY | LOG_DIRTY_PAGES through v1 creates", "6.12", v1(1, 3, 0, MIB)),
                applies("DOMAIN rule 19: bit 2 is KVM_MEM_DMA on 5.6+kvm-mem-dma", "5.6+kvm-mem-dma", DMA3),
                applies("DOMAIN rule 19: KVM_MEM_DMA | LOG without option 6", "5.6+kvm-mem-dma", v1(1, 5, 0, MIB)),
                // step 2: alignment and access_ok
                fails("DOMAIN rule 20: size not a multiple of 4 KiB", "6.12", v1(1, 0, 0, MIB + 512)),
                fails("DOMAIN rule 20: gpa not page aligned", "6.12", v1(1, 0, 0x1800, MIB)),
                fails("DOMAIN rule 20: hva not page aligned", "6.12", hva(v1(1, 0, 0, MIB), 0x7f00_0000_0010L)),
                fails(
                        "DOMAIN rule 20: hva range past the 47-bit user space",
                        "6.12",
                        hva(v1(1, 0, 0, 2 * PAGE), top(1))),
                fails(
                        "DOMAIN rule 20: tagged hva fails access_ok",
                        "6.12",
                        hva(v1(1, 0, 0, MIB), 0x3e00_7f00_0000_0000L)),
                fails("DOMAIN rule 20: hva with bit 63 set", "6.12", hva(v1(1, 0, 0, MIB), 0x8000_0000_0000_0000L)),
                applies(
                        "DOMAIN rule 20: hva range ending at TASK_SIZE_MAX creates",
                        "6.12",
                        hva(v1(1, 0, 0, PAGE), top(1))),
                // step 3: guest_memfd offset
                fails("DOMAIN 3.2 step 3: unaligned guest_memfd_offset", "6.12", gmemOffset(GMEM3, 100)),
                fails("DOMAIN 3.2 step 3: guest_memfd_offset + size overflows", "6.12", gmemOffset(GMEM3, -PAGE)),
                applies(
                        "DOMAIN 3.2 step 3: offset ignored without GUEST_MEMFD",
                        "6.12",
                        gmemOffset(v2(1, 0, 0, MIB), 1)),
                // step 4: as_id
                fails("DOMAIN rule 21: as_id 2 on x86", "6.12", SetRequest.of(2, 1, 0, 0, MIB, Requests.HVA, Ioctl.V1)),
                fails(
                        "DOMAIN rule 21: slot field 0xffff0001",
                        "6.12",
                        new SetRequest(0xffff_0001, 0, 0, MIB, 0, Ioctl.V1)),
                applies(
                        "DOMAIN rule 21: as_id 1 (SMM) creates",
                        "6.12",
                        SetRequest.of(1, 1, 0, 0, MIB, Requests.HVA, Ioctl.V1),
                        Change.CREATE),
                // step 5: wrap and KVM_MEM_MAX_NR_PAGES
                fails("DOMAIN rule 20: gpa + size wraps", "6.12", v1(1, 0, -PAGE, 2 * PAGE)),
                fails("DOMAIN rule 20: gpa + size ends exactly at 2^64", "6.12", v1(1, 0, -MIB, MIB)),
                fails("DOMAIN 3.2 step 5: 2^31 pages (8 TiB) > KVM_MEM_MAX_NR_PAGES", "6.12", huge(1L << 31)),
                applies("DOMAIN 3.2 step 5: 2^31 - 1 pages create", "6.12", huge((1L << 31) - 1)),
                applies("DOMAIN rule 20: gpa above 4 PiB is fine", "6.12", v1(1, 0, 1L << 62, GIB)),
                // step 6: delete
                fails("DOMAIN rule 22: deleting a slot that does not exist", "6.12", SetRequest.delete(0, 7)),
                fails("DOMAIN rule 22: deleting in the other address space", "6.12", SetRequest.delete(1, 3), SLOT3),
                applies("DOMAIN rule 22: size 0 deletes slot 3", "6.12", SetRequest.delete(0, 3), Change.DELETE, SLOT3),
                // step 7: create
                applies("DOMAIN 3.2 step 7: a new id creates", "6.12", SLOT4, Change.CREATE, SLOT3),
                // step 8: existing slot
                fails("DOMAIN rule 23: changing the hva", "6.12", hva(SLOT3, Requests.HVA + GIB), SLOT3),
                fails("DOMAIN rule 23: changing the size", "6.12", v1(3, 0, 4 * GIB, 2 * GIB), SLOT3),
                fails("DOMAIN rule 23: turning READONLY on", "6.12", SLOT3_RO, SLOT3),
                fails("DOMAIN rule 23: turning READONLY off", "6.12", SLOT3, SLOT3_RO),
                fails("DOMAIN rule 23: re-setting a GUEST_MEMFD slot", "6.12", GMEM3, GMEM3),
                fails("DOMAIN rule 23: moving a GUEST_MEMFD slot", "6.12", GMEM3.withGpa(16 * GIB), GMEM3),
                fails("DOMAIN rule 23: dropping GUEST_MEMFD", "6.12", GMEM3.withFlags(0), GMEM3),
                fails(
                        "DOMAIN rule 23: adding GUEST_MEMFD",
                        "6.12",
                        SLOT3.withIoctl(Ioctl.V2).withFlags(BIT2),
                        SLOT3),
                fails("DOMAIN rule 23 with RFC 2/3 (DOMAIN 3.2, 4.1): KVM_MEM_DMA on", "5.6+kvm-mem-dma", DMA3, SLOT3),
                fails("DOMAIN rule 23 with RFC 2/3 (DOMAIN 3.2, 4.1): KVM_MEM_DMA off", "5.6+kvm-mem-dma", SLOT3, DMA3),
                applies(
                        "DOMAIN rule 23: a new gpa moves the slot",
                        "6.12",
                        SLOT3.withGpa(16 * GIB),
                        Change.MOVE,
                        SLOT3),
                applies("DOMAIN rule 23: move and log at once", "6.12", v1(3, LOG, 0, GIB), Change.MOVE, SLOT3),
                applies("DOMAIN rule 23: LOG_DIRTY_PAGES on", "6.12", SLOT3_LOG, Change.FLAGS_ONLY, SLOT3),
                applies("DOMAIN rule 23: LOG_DIRTY_PAGES off", "6.12", SLOT3, Change.FLAGS_ONLY, SLOT3_LOG),
                applies(
                        "DOMAIN rule 23: LOG on a KVM_MEM_DMA slot",
                        "5.6+kvm-mem-dma",
                        v1(3, 5, 4 * GIB, GIB),
                        Change.FLAGS_ONLY,
                        DMA3),
                applies("DOMAIN rule 23: identical request", "6.12", SLOT3, Change.NO_OP, SLOT3),
                applies("DOMAIN rule 23: identical via v2", "6.12", SLOT3.withIoctl(Ioctl.V2), Change.NO_OP, SLOT3),
                // step 9: overlap
                fails(
                        "DOMAIN rule 24: create inside slot 3",
                        "6.12",
                        v1(5, 0, 4 * GIB + MIB, MIB),
                        Errno.EEXIST,
                        SLOT3),
                fails("DOMAIN rule 24: create covering slot 3", "6.12", v1(5, 0, 0, 16 * GIB), Errno.EEXIST, SLOT3),
                fails(
                        "DOMAIN rule 24: create over the last page",
                        "6.12",
                        v1(5, 0, 5 * GIB - PAGE, MIB),
                        Errno.EEXIST,
                        SLOT3),
                fails(
                        "DOMAIN rule 24: move onto slot 4",
                        "6.12",
                        SLOT3.withGpa(8 * GIB + MIB),
                        Errno.EEXIST,
                        SLOT3,
                        SLOT4),
                fails(
                        "DOMAIN rule 24: move across slot 4",
                        "6.12",
                        SLOT3.withGpa(7 * GIB + MIB),
                        Errno.EEXIST,
                        SLOT3,
                        SLOT4),
                applies("DOMAIN rule 24: create touching slot 3", "6.12", v1(5, 0, 5 * GIB, MIB), Change.CREATE, SLOT3),
                applies("DOMAIN rule 24: create below slot 3", "6.12", v1(5, 0, 3 * GIB, GIB), Change.CREATE, SLOT3),
                applies("DOMAIN rule 24: same range in SMM", "6.12", smm(5, 4 * GIB, GIB), Change.CREATE, SLOT3),
                fails(
                        "DOMAIN rule 24: move down over its own old range and slot 3",
                        "6.12",
                        v1(5, 0, 4 * GIB + GIB / 2, GIB),
                        Errno.EEXIST,
                        SLOT3,
                        v1(5, 0, 5 * GIB, GIB)),
                applies(
                        "DOMAIN rule 24: move overlapping its own old range",
                        "6.12",
                        SLOT3.withGpa(4 * GIB + MIB),
                        Change.MOVE,
                        SLOT3),
                // kernel order between steps
                ordered(
                        "DOMAIN 3.2 order: id 32764 overlapping slot 3 -> EINVAL, ioctl layer first",
                        "6.12",
                        v1(32764, 0, 4 * GIB, GIB),
                        Errno.EINVAL,
                        "DOMAIN rule 21",
                        SLOT3),
                ordered(
                        "DOMAIN 3.2 order: bad flag and bad size -> flags first",
                        "6.12",
                        v2(1, 8, 0, 100),
                        Errno.EINVAL,
                        "DOMAIN rule 19"),
                ordered(
                        "DOMAIN 3.2 order: as_id 2 with unaligned gpa -> alignment first",
                        "6.12",
                        SetRequest.of(2, 1, 0, 10, MIB, Requests.HVA, Ioctl.V1),
                        Errno.EINVAL,
                        "DOMAIN rule 20"),
                ordered(
                        "DOMAIN 3.2 order: delete with as_id 2 -> as_id before delete",
                        "6.12",
                        SetRequest.delete(2, 3),
                        Errno.EINVAL,
                        "DOMAIN rule 21"),
                ordered(
                        "DOMAIN 3.2 order: moving with a new hva onto slot 4 -> step 8 before 9",
                        "6.12",
                        hva(SLOT3.withGpa(8 * GIB), 0),
                        Errno.EINVAL,
                        "DOMAIN rule 23",
                        SLOT3,
                        SLOT4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kvmAnswersAsDomainSaysAndFailuresLeaveTheTableAlone(Case c) {
        MemslotTable table = table(c.kernel(), c.setup().toArray(SetRequest[]::new));
        List<Memslot> before = table.slots();

        SetResult result = table.set(c.request());

        if (c.errno() != null) {
            assertThat(result).isInstanceOf(Failed.class);
            Failed failed = (Failed) result;
            assertThat(failed.errno()).isEqualTo(c.errno());
            assertThat(failed.reason()).startsWith(c.cite());
            assertThat(table.slots()).isEqualTo(before);
        } else {
            assertThat(result).isInstanceOf(Applied.class);
            Applied applied = (Applied) result;
            assertThat(applied.change()).isEqualTo(c.change());
            assertThat(applied.because()).startsWith("DOMAIN");
            applied.after()
                    .ifPresent(after ->
                            assertThat(table.get(after.asId(), after.id())).contains(after));
            applied.after()
                    .ifPresent(after ->
                            assertThat(table.slotAt(after.asId(), after.gpa())).contains(after));
            if (c.change() == Change.DELETE) {
                assertThat(table.get(c.request().asId(), c.request().id())).isEmpty();
            }
            if (c.change() == Change.NO_OP) {
                assertThat(applied.after()).isEqualTo(applied.before());
                assertThat(table.slots()).isEqualTo(before);
            }
        }
    }

    private static Arguments fails(String name, String kernel, SetRequest request, SetRequest... setup) {
        return fails(name, kernel, request, Errno.EINVAL, setup);
    }

    private static Arguments fails(String name, String kernel, SetRequest request, Errno errno, SetRequest... setup) {
        return ordered(name, kernel, request, errno, name.substring(0, name.indexOf(':')), setup);
    }

    private static Arguments ordered(
            String name, String kernel, SetRequest request, Errno errno, String cite, SetRequest... setup) {
        return Arguments.of(Named.of(name, new Case(kernel, List.of(setup), request, null, errno, cite)));
    }

    private static Arguments applies(
            String name, String kernel, SetRequest request, Change change, SetRequest... setup) {
        return Arguments.of(Named.of(name, new Case(kernel, List.of(setup), request, change, null, "")));
    }

    private static Arguments applies(String name, String kernel, SetRequest request) {
        return applies(name, kernel, request, Change.CREATE);
    }

    private static SetRequest hva(SetRequest r, long hva) {
        return new SetRequest(r.slot(), r.flags(), r.gpa(), r.size(), hva, r.ioctl(), r.guestMemfdOffset());
    }

    private static SetRequest gmemOffset(SetRequest r, long offset) {
        return new SetRequest(r.slot(), r.flags(), r.gpa(), r.size(), r.hva(), r.ioctl(), offset);
    }

    /** The hva whose range of {@code pages} pages ends exactly at TASK_SIZE_MAX. */
    private static long top(int pages) {
        return MemslotRules.USER_ADDRESS_END - pages * PAGE;
    }

    private static SetRequest huge(long pages) {
        return SetRequest.of(0, 1, 0, 0, pages * PAGE, PAGE, Ioctl.V1);
    }

    private static SetRequest smm(int id, long gpa, long size) {
        return SetRequest.of(1, id, 0, gpa, size, Requests.hvaFor(id), Ioctl.V1);
    }
}
