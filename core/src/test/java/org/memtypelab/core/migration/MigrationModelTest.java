package org.memtypelab.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationModel.AskGpuToSave;
import org.memtypelab.core.migration.MigrationModel.AskQemu;
import org.memtypelab.core.migration.MigrationModel.Finished;
import org.memtypelab.core.migration.MigrationModel.Ignored;
import org.memtypelab.core.migration.MigrationModel.Next;
import org.memtypelab.core.migration.MigrationModel.Refused;
import org.memtypelab.core.migration.MigrationModel.StartDirtyLog;
import org.memtypelab.core.migration.MigrationOutcome.Status;
import org.memtypelab.core.qemu.BlobSlot;

/** The migration thread's decisions, from DOMAIN rules 27-29 and DOMAIN 9 option 7. */
class MigrationModelTest {

    private static final int STEP = 7;
    private static final String VIRGL = "virgl is not yet migratable";
    private static final String BLOB_2D = "virtio-gpu blob VMs are currently not migratable.";

    static Stream<Arguments> blockers() {
        List<Arguments> rows = new ArrayList<>();
        for (MigrationPolicy p : MigrationPolicy.values()) {
            rows.add(Arguments.of(p, List.of(VIRGL), VIRGL));
            rows.add(Arguments.of(p, List.of(BLOB_2D), BLOB_2D));
            rows.add(Arguments.of(p, List.of(VIRGL, BLOB_2D), VIRGL + "; " + BLOB_2D));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "DOMAIN rule 27: {0} with blockers {1} -> blocked")
    @MethodSource("blockers")
    void anyBlockerBlocksTheMigrationWhateverThePolicy(MigrationPolicy policy, List<String> blockers, String reason) {
        MigrationModel m = new MigrationModel(policy);
        assertThat(m.migrate(STEP)).isEqualTo(new AskQemu(policy));

        Next next = m.infoArrived(STEP, blockers, List.of(blob("b0", MemType.WC)));

        assertThat(next).isEqualTo(new Finished(new MigrationOutcome(Status.BLOCKED, reason), List.of()));
        assertThat(MigrationModel.ok(((Finished) next).outcome()))
                .as("a blocked migration is an answer, not a failure")
                .isTrue();
        assertThat(MigrationModel.detail(((Finished) next).outcome())).isEqualTo("migration blocked: " + reason);
        assertThat(m.running()).isFalse();
    }

    @Test
    void blobAsGpuStateLetsTheGpuProcessSaveAndNeverReadsBlobPagesThroughQemu() {
        MigrationModel m = new MigrationModel(MigrationPolicy.BLOB_AS_GPU_STATE);
        m.migrate(STEP);

        Next asked = m.infoArrived(STEP, List.of(), List.of(blob("b0", MemType.WC)));
        Next saved = m.gpuSaved(STEP, true, "saved 1 blob(s)");

        assertThat(asked).isEqualTo(new AskGpuToSave());
        assertThat(saved)
                .as("DOMAIN 9 option 7: M never reads blob pages via Q, so no observation")
                .isEqualTo(new Finished(
                        new MigrationOutcome(Status.COMPLETED, "saved 1 blob(s) (DOMAIN 9 option 7)"), List.of()));
    }

    @Test
    void blobAsGpuStateFailsWhenTheGpuProcessCannotSave() {
        MigrationModel m = new MigrationModel(MigrationPolicy.BLOB_AS_GPU_STATE);
        m.migrate(STEP);
        m.infoArrived(STEP, List.of(), List.of());

        Next failed = m.gpuSaved(STEP, false, "the GPU process died");

        assertThat(failed)
                .isEqualTo(new Finished(new MigrationOutcome(Status.FAILED, "the GPU process died"), List.of()));
        assertThat(MigrationModel.ok(((Finished) failed).outcome())).isFalse();
    }

    @Test
    void statusQuoSkipsBlobRegionsAsNotMigratableRam() {
        // DOMAIN rule 28: QEMU hands migration no blob to read; the outcome says they were skipped
        MigrationModel m = new MigrationModel(MigrationPolicy.STATUS_QUO);
        m.migrate(STEP);

        Next next = m.infoArrived(STEP, List.of(), List.of());

        assertThat(next)
                .isEqualTo(new Finished(
                        new MigrationOutcome(
                                Status.COMPLETED,
                                "blob regions are not migratable RAM and were skipped (DOMAIN rule 28)"),
                        List.of()));
    }

    @ParameterizedTest(name = "DOMAIN rule 29: QEMU maps the blob {0} -> migration reads it as {0}")
    @EnumSource(value = MemType.class)
    void ramCopyReadsEachBlobThroughQemusMappingTypeAfterDirtyLoggingIsOn(MemType qemuType) {
        MigrationModel m = new MigrationModel(MigrationPolicy.RAM_COPY);
        BlobSlot b0 = blob("b0", qemuType);
        BlobSlot b1 = blob("b1", MemType.WB);
        MappingType viaQemu = new MappingType.Cpu(qemuType);
        m.migrate(STEP);

        Next first = m.infoArrived(STEP, List.of(), List.of(b0, b1));
        Next second = m.dirtyLogStarted(STEP, "b0", true, "dirty logging on");
        Next done = m.dirtyLogStarted(STEP, "b1", true, "dirty logging on");

        assertThat(first)
                .as("nothing is read before KVM logs the slot's writes")
                .isEqualTo(new StartDirtyLog(b0, List.of()));
        assertThat(second)
                .isEqualTo(new StartDirtyLog(
                        b1,
                        List.of(
                                new Observation.MappingSet(new Mapping("b0", Who.MIGRATION, viaQemu, true)),
                                new Observation.Access("b0", Who.MIGRATION, viaQemu, false, 0, 0))));
        MappingType wb = new MappingType.Cpu(MemType.WB);
        assertThat(done)
                .isEqualTo(new Finished(
                        new MigrationOutcome(Status.COMPLETED, "copied 2 blob(s) through QEMU's mapping like RAM"),
                        List.of(
                                new Observation.MappingSet(new Mapping("b1", Who.MIGRATION, wb, true)),
                                new Observation.Access("b1", Who.MIGRATION, wb, false, 0, 0),
                                new Observation.MappingGone("b0", Who.MIGRATION),
                                new Observation.MappingGone("b1", Who.MIGRATION))));
    }

    @Test
    void ramCopyWithNothingToReadCompletesWithoutKvm() {
        MigrationModel m = new MigrationModel(MigrationPolicy.RAM_COPY);
        m.migrate(STEP);

        assertThat(m.infoArrived(STEP, List.of(), List.of()))
                .isEqualTo(new Finished(
                        new MigrationOutcome(Status.COMPLETED, "copied 0 blob(s) through QEMU's mapping like RAM"),
                        List.of()));
    }

    @Test
    void kvmRefusingDirtyLoggingFailsTheMigrationWithKvmsReason() {
        MigrationModel m = new MigrationModel(MigrationPolicy.RAM_COPY);
        m.migrate(STEP);
        m.infoArrived(STEP, List.of(), List.of(blob("b0", MemType.WC)));

        assertThat(m.dirtyLogStarted(STEP, "b0", false, "memslot 10 of b0 is gone"))
                .isEqualTo(new Finished(new MigrationOutcome(Status.FAILED, "memslot 10 of b0 is gone"), List.of()));
    }

    @Test
    void aSecondMigrateWhileOneRunsIsRefusedAndTheFirstGoesOn() {
        MigrationModel m = new MigrationModel(MigrationPolicy.RAM_COPY);
        m.migrate(STEP);

        Next second = m.migrate(STEP + 1);

        assertThat(second).isEqualTo(Refused.because("a migration is already running"));
        assertThat(MigrationModel.detail(((Refused) second).outcome()))
                .isEqualTo("migration failed: a migration is already running");
        assertThat(m.awaiting()).isEqualTo("migration-info");
        assertThat(m.infoArrived(STEP, List.of(), List.of())).isInstanceOf(Finished.class);
    }

    @Test
    void answersNoMigrationWaitsForChangeNothing() {
        MigrationModel m = new MigrationModel(MigrationPolicy.RAM_COPY);
        BlobSlot b0 = blob("b0", MemType.WC);
        Ignored ignored = new Ignored();

        assertThat(m.infoArrived(STEP, List.of(VIRGL), List.of()))
                .as("no migration")
                .isEqualTo(ignored);
        m.migrate(STEP);
        assertThat(m.infoArrived(STEP - 1, List.of(VIRGL), List.of()))
                .as("another step's")
                .isEqualTo(ignored);
        assertThat(m.gpuSaved(STEP, true, "saved")).as("not asked").isEqualTo(ignored);
        assertThat(m.dirtyLogStarted(STEP, "b0", true, "on"))
                .as("not asked yet")
                .isEqualTo(ignored);
        m.infoArrived(STEP, List.of(), List.of(b0));
        assertThat(m.infoArrived(STEP, List.of(VIRGL), List.of()))
                .as("a repeated answer")
                .isEqualTo(ignored);
        assertThat(m.dirtyLogStarted(STEP, "b1", false, "gone"))
                .as("another blob's")
                .isEqualTo(ignored);
        assertThat(m.dirtyLogStarted(STEP - 1, "b0", false, "gone"))
                .as("another step's")
                .isEqualTo(ignored);

        assertThat(m.awaiting()).isEqualTo("start-dirty-log b0");
        assertThat(m.dirtyLogStarted(STEP, "b0", true, "on")).isInstanceOf(Finished.class);
    }

    @Test
    void anUnansweredRequestFailsTheMigrationNamingTheRequest() {
        MigrationModel m = new MigrationModel(MigrationPolicy.RAM_COPY);
        m.migrate(STEP);
        m.infoArrived(STEP, List.of(), List.of(blob("b0", MemType.WC)));

        Next failed = m.unanswered(5, 2000);

        assertThat(failed)
                .isEqualTo(new Finished(
                        new MigrationOutcome(
                                Status.FAILED, "no answer to start-dirty-log b0 after 5 attempts of 2000 ms"),
                        List.of()));
        assertThat(m.running()).isFalse();
        assertThat(m.unanswered(5, 2000)).isEqualTo(new Ignored());
    }

    @Test
    void aFinishedMigrationCanBeFollowedByAnother() {
        MigrationModel m = new MigrationModel(MigrationPolicy.STATUS_QUO);
        m.migrate(STEP);
        m.infoArrived(STEP, List.of(VIRGL), List.of());

        assertThat(m.migrate(STEP + 1)).isEqualTo(new AskQemu(MigrationPolicy.STATUS_QUO));
        assertThat(m.infoArrived(STEP, List.of(VIRGL), List.of()))
                .as("the first migration's step")
                .isEqualTo(new Ignored());
    }

    private static final String CRASH_812 = "QEMU 8.1.2 crashed in virtio_gpu_save: a blob resource exists and this"
            + " version has no blob migration support (DOMAIN rule 32)";

    @Test
    void rule32_a2dBlobIsCopiedWithGuestRamUnderStatusQuo() {
        MigrationModel m = new MigrationModel(MigrationPolicy.STATUS_QUO);
        m.migrate(STEP);
        m.infoArrived(STEP, List.of(), List.of(guestRamBlob("u0")));

        Next done = m.dirtyLogStarted(STEP, "u0", true, "dirty logging on");

        assertThat(((Finished) done).outcome())
                .isEqualTo(new MigrationOutcome(
                        Status.COMPLETED,
                        "copied 1 2D blob(s) with guest RAM (DOMAIN rule 32); hostmem blob regions are not migratable"
                                + " RAM and were skipped (DOMAIN rule 28)"));
    }

    @Test
    void rule32_qemu812CrashesOnSaveWith2dBlob() {
        // the 2D blob is guest RAM, so RAM migration reads it (rule 32); the device state is saved last and crashes
        MigrationModel m = new MigrationModel(MigrationPolicy.STATUS_QUO);
        BlobSlot u0 = guestRamBlob("u0");
        MappingType wb = new MappingType.Cpu(MemType.WB);
        m.migrate(STEP);

        Next first = m.infoArrived(STEP, List.of(), CRASH_812, List.of(u0));
        Next done = m.dirtyLogStarted(STEP, "u0", true, "dirty logging on");

        assertThat(first).isEqualTo(new StartDirtyLog(u0, List.of()));
        assertThat(done)
                .isEqualTo(new Finished(
                        new MigrationOutcome(Status.FAILED, CRASH_812),
                        List.of(
                                new Observation.MappingSet(new Mapping("u0", Who.MIGRATION, wb, true)),
                                new Observation.Access("u0", Who.MIGRATION, wb, false, 0, 0),
                                new Observation.MappingGone("u0", Who.MIGRATION))));
        assertThat(MigrationModel.ok(((Finished) done).outcome())).isFalse();
        assertThat(MigrationModel.detail(((Finished) done).outcome())).isEqualTo("migration failed: " + CRASH_812);
        assertThat(m.running()).isFalse();
    }

    @ParameterizedTest(name = "rule 32: a QEMU 8.1.2 save crash fails the migration under {0}")
    @EnumSource(MigrationPolicy.class)
    void rule32_theSaveCrashFailsTheMigrationWhateverThePolicy(MigrationPolicy policy) {
        MigrationModel m = new MigrationModel(policy);
        m.migrate(STEP);

        Next next = m.infoArrived(STEP, List.of(), CRASH_812, List.of());
        if (next instanceof AskGpuToSave) {
            next = m.gpuSaved(STEP, true, "saved 0 blob(s)");
        }

        assertThat(next).isEqualTo(new Finished(new MigrationOutcome(Status.FAILED, CRASH_812), List.of()));
    }

    @Test
    void rule32_aBlockerStopsTheMigrationBeforeAnySave() {
        MigrationModel m = new MigrationModel(MigrationPolicy.STATUS_QUO);
        m.migrate(STEP);

        assertThat(m.infoArrived(STEP, List.of(BLOB_2D), CRASH_812, List.of()))
                .isEqualTo(new Finished(new MigrationOutcome(Status.BLOCKED, BLOB_2D), List.of()));
    }

    @Test
    void rule32_withoutACrashTheNextMigrationCompletes() {
        MigrationModel m = new MigrationModel(MigrationPolicy.STATUS_QUO);
        m.migrate(STEP);
        m.infoArrived(STEP, List.of(), CRASH_812, List.of());

        m.migrate(STEP + 1);

        assertThat(m.infoArrived(STEP + 1, List.of(), "", List.of()))
                .extracting(n -> ((Finished) n).outcome().status())
                .isEqualTo(Status.COMPLETED);
    }

    private static BlobSlot guestRamBlob(String buffer) {
        return new BlobSlot(
                buffer,
                0,
                0x1_0000_0000L,
                2L << 20,
                0x7f00_0000_0000L,
                0,
                Optional.empty(),
                MemType.WB,
                Backing.RAM,
                MemType.WB,
                true,
                MemType.WB);
    }

    private static BlobSlot blob(String buffer, MemType qemuType) {
        return new BlobSlot(
                buffer,
                10,
                0x1_0000_0000L,
                2L << 20,
                0x7f00_0000_0000L,
                0,
                Optional.empty(),
                qemuType,
                Backing.RAM,
                MemType.WC,
                false,
                qemuType);
    }
}
