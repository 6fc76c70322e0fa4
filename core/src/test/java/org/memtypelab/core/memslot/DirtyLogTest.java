package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.memslot.Requests.LOG;
import static org.memtypelab.core.memslot.Requests.PAGE;
import static org.memtypelab.core.memslot.Requests.RO;
import static org.memtypelab.core.memslot.Requests.table;
import static org.memtypelab.core.memslot.Requests.v1;

import java.util.BitSet;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.DirtyLogResult.Cleared;
import org.memtypelab.core.memslot.DirtyLogResult.Failed;
import org.memtypelab.core.memslot.DirtyLogResult.Log;
import org.memtypelab.core.memslot.SetResult.Applied;
import org.memtypelab.core.memslot.SetResult.Change;
import org.memtypelab.core.memslot.SetResult.DirtyLogEffect;

/** Dirty bitmaps, KVM_GET_DIRTY_LOG and KVM_CLEAR_DIRTY_LOG (DOMAIN 3.5, rules 25-26). */
class DirtyLogTest {

    private static final long GPA = 0x1_0000_0000L;

    @ParameterizedTest(name = "DOMAIN rule 25: flags {0} -> {1}, dirty log effect {2}")
    @CsvSource({
        "0, 1, FLAGS_ONLY, WRITE_PROTECT",
        "1, 0, FLAGS_ONLY, ZAP_COLLAPSIBLE_SPTES",
        "2, 3, FLAGS_ONLY, NONE",
        "3, 2, FLAGS_ONLY, NONE",
        "0, 0, NO_OP, NONE",
        "1, 1, NO_OP, NONE"
    })
    void togglingLogDirtyPagesWriteProtectsOrCollapsesButKeepsTheMemtype(
            int from, int to, Change change, DirtyLogEffect effect) {
        MemslotTable t = table("6.12", v1(1, from, GPA, 256 * PAGE));
        Applied a = (Applied) t.set(v1(1, to, GPA, 256 * PAGE));
        assertThat(a.change()).isEqualTo(change);
        assertThat(a.dirtyLog()).isEqualTo(effect);
        assertThat(t.hasDirtyBitmap(0, 1)).isEqualTo((to & LOG) != 0);
        if (effect != DirtyLogEffect.NONE) {
            assertThat(effect.description()).startsWith("DOMAIN rule 25").contains("memtype is unchanged");
        }
    }

    @Test
    void createMoveAndDeleteTouchNoSptesForDirtyLogging() {
        MemslotTable t = MemslotTable.forKernel(KvmVersion.of("6.12"));
        assertThat(((Applied) t.set(v1(1, LOG, GPA, 256 * PAGE))).dirtyLog()).isEqualTo(DirtyLogEffect.NONE);
        assertThat(((Applied) t.set(v1(1, 0, 2 * GPA, 256 * PAGE))).dirtyLog()).isEqualTo(DirtyLogEffect.NONE);
        assertThat(((Applied) t.set(SetRequest.delete(0, 1))).dirtyLog()).isEqualTo(DirtyLogEffect.NONE);
    }

    @Test
    void dirtyPagesAreRecordedOnlyWhileLogging() {
        MemslotTable t = table("6.12", v1(1, 0, GPA, 256 * PAGE));
        assertThat(t.markDirty(0, GPA + 5 * PAGE)).isFalse();
        assertThat(t.getDirtyLog(0, 1, false)).is(failedWith(Errno.ENOENT));

        t.set(v1(1, LOG, GPA, 256 * PAGE));
        assertThat(t.markDirty(0, GPA + 5 * PAGE + 17)).isTrue();
        assertThat(t.markDirty(0, GPA + 255 * PAGE)).isTrue();
        assertThat(t.markDirty(0, GPA + 256 * PAGE))
                .as("first byte after the slot")
                .isFalse();
        assertThat(t.markDirty(1, GPA + 5 * PAGE)).as("SMM address space").isFalse();
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true))).containsExactly(5, 255);

        t.set(v1(1, 0, GPA, 256 * PAGE));
        t.set(v1(1, LOG, GPA, 256 * PAGE));
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true)))
                .as("re-enabling starts a fresh bitmap")
                .isEmpty();
    }

    @Test
    void getWithoutManualProtectClearsTheBitmapAndWithItDoesNot() {
        MemslotTable t = table("6.12", v1(1, LOG, GPA, 256 * PAGE));
        t.markDirty(0, GPA + 7 * PAGE);

        Log kept = (Log) t.getDirtyLog(0, 1, true);
        assertThat(kept.cleared()).isFalse();
        assertThat(kept.npages()).isEqualTo(256);
        kept.dirty().clear();
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true))).as("result is a copy").containsExactly(7);

        Log taken = (Log) t.getDirtyLog(0, 1, false);
        assertThat(taken.cleared()).isTrue();
        assertThat(taken.dirty().stream()).containsExactly(7);
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true))).isEmpty();
    }

    @Test
    void readOnlySlotsAreNeverDirtied() {
        MemslotTable t = table("6.12", v1(1, LOG | RO, GPA, 256 * PAGE));
        assertThat(t.hasDirtyBitmap(0, 1)).isTrue();
        assertThat(t.markDirty(0, GPA)).isFalse();
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true))).isEmpty();
    }

    @Test
    void moveKeepsTheBitmapAndDeleteDropsIt() {
        MemslotTable t = table("6.12", v1(1, LOG, GPA, 256 * PAGE));
        t.markDirty(0, GPA + 9 * PAGE);
        t.set(v1(1, LOG, 2 * GPA, 256 * PAGE));
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true))).containsExactly(9);
        t.set(SetRequest.delete(0, 1));
        assertThat(t.hasDirtyBitmap(0, 1)).isFalse();
        assertThat(t.getDirtyLog(0, 1, true)).is(failedWith(Errno.ENOENT));
    }

    @ParameterizedTest(name = "DOMAIN 3.5: KVM_GET_DIRTY_LOG as_id {0} id {1} -> {2}")
    @CsvSource({"0, 1, OK", "0, 2, ENOENT", "1, 1, ENOENT", "2, 1, EINVAL", "0, 32764, EINVAL", "0, -1, EINVAL"})
    void getDirtyLogErrors(int asId, int id, String answer) {
        MemslotTable t = table("6.12", v1(1, LOG, GPA, 256 * PAGE));
        DirtyLogResult r = t.getDirtyLog(asId, id, true);
        assertThat(r instanceof Failed f ? f.errno().name() : "OK").isEqualTo(answer);
    }

    @ParameterizedTest(name = "DOMAIN 3.5: dirty tracking {0} -> GET {1}")
    @CsvSource({"BITMAP, OK", "RING, ENXIO", "RING_WITH_BITMAP, OK"})
    void dirtyRingWithoutBitmapHasNoDirtyLog(DirtyTracking tracking, String answer) {
        MemslotTable t = new MemslotTable(MemslotRules.forKernel(KvmVersion.of("6.12")), tracking);
        t.set(v1(1, LOG, GPA, 256 * PAGE));
        assertThat(t.getDirtyLog(0, 1, true) instanceof Failed f ? f.errno().name() : "OK")
                .isEqualTo(answer);
        assertThat(t.clearDirtyLog(0, 1, 0, 256) instanceof Failed f ? f.errno().name() : "OK")
                .isEqualTo(answer);
        assertThat(t.markDirty(0, GPA)).isEqualTo(answer.equals("OK"));
    }

    @ParameterizedTest(name = "DOMAIN rule 26: slot of {0} pages, first_page {1}, num_pages {2} -> {3}")
    @CsvSource({
        "256, 0, 64, OK",
        "256, 64, 128, OK",
        "256, 0, 256, OK",
        "256, 256, 0, OK",
        "100, 0, 100, OK",
        "100, 64, 36, OK",
        "256, 1, 64, EINVAL",
        "256, 32, 64, EINVAL",
        "256, 0, 100, EINVAL",
        "256, 64, 63, EINVAL",
        "100, 0, 64, OK",
        "100, 64, 35, EINVAL",
        "256, 0, 320, EINVAL",
        "256, 192, 128, EINVAL",
        "256, 320, 0, EINVAL"
    })
    void clearDirtyLogAlignment(long npages, long firstPage, long numPages, String answer) {
        MemslotTable t = table("6.12", v1(1, LOG, GPA, npages * PAGE));
        DirtyLogResult r = t.clearDirtyLog(0, 1, firstPage, numPages);
        assertThat(r instanceof Failed f ? f.errno().name() : "OK").isEqualTo(answer);
        if (r instanceof Failed f) {
            assertThat(f.reason()).startsWith("DOMAIN rule 26");
        }
    }

    @ParameterizedTest(name = "DOMAIN rule 26: KVM_CLEAR_DIRTY_LOG as_id {0} id {1} first_page {2} -> {3}")
    @CsvSource({"2, 1, 0, EINVAL", "0, 2, 0, ENOENT", "0, 2, 1, EINVAL", "0, 1, 1, EINVAL", "0, 3, 0, ENOENT"})
    void clearDirtyLogChecksFirstPageBeforeLookingUpTheSlot(int asId, int id, long firstPage, String answer) {
        MemslotTable t = table("6.12", v1(1, LOG, GPA, 256 * PAGE), v1(3, 0, 2 * GPA, 256 * PAGE));
        DirtyLogResult r = t.clearDirtyLog(asId, id, firstPage, 64);
        assertThat(r instanceof Failed f ? f.errno().name() : "OK").isEqualTo(answer);
    }

    @Test
    void clearResetsOnlyTheMaskedPagesOfTheRange() {
        MemslotTable t = table("6.12", v1(1, LOG, GPA, 256 * PAGE));
        for (int page : new int[] {3, 64, 65, 130, 200}) {
            t.markDirty(0, GPA + page * PAGE);
        }
        BitSet mask = new BitSet();
        mask.set(0); // page 64
        mask.set(66); // page 130
        mask.set(10); // page 74, not dirty
        assertThat(t.clearDirtyLog(0, 1, 64, 128, mask)).isEqualTo(new Cleared(2));
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true))).containsExactly(3, 65, 200);

        assertThat(t.clearDirtyLog(0, 1, 0, 256)).isEqualTo(new Cleared(3));
        assertThat(dirtyPages(t.getDirtyLog(0, 1, true))).isEmpty();
    }

    private static Iterable<Integer> dirtyPages(DirtyLogResult r) {
        assertThat(r).isInstanceOf(Log.class);
        return ((Log) r).dirty().stream().boxed().toList();
    }

    private static Condition<DirtyLogResult> failedWith(Errno e) {
        return new Condition<>(r -> r instanceof Failed f && f.errno() == e, "fails with " + e);
    }
}
