package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuVersion;

class ScenarioRecordsTest {

    @ParameterizedTest(name = "QEMU version {0} -> {1}.{2}.{3}, printed {4}")
    @CsvSource({"9.2, 9, 2, 0, 9.2", "8.1.3, 8, 1, 3, 8.1.3", "10.0.0, 10, 0, 0, 10.0", " 8.2 , 8, 2, 0, 8.2"})
    void qemuVersionParsesMajorMinorMicro(String text, int major, int minor, int micro, String printed) {
        QemuVersion v = QemuVersion.parse(text).orElseThrow();

        assertThat(v).isEqualTo(new QemuVersion(major, minor, micro));
        assertThat(v.toString()).isEqualTo(printed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "9", "nine", "9.2-rc1", "9.2.1.4", "v9.2"})
    void qemuVersionRejectsOtherText(String text) {
        assertThat(QemuVersion.parse(text)).isEmpty();
    }

    @Test
    void qemuVersionsOrderByComponents() {
        assertThat(new QemuVersion(8, 1, 3).atLeast(8, 2, 0)).isFalse();
        assertThat(QemuConfig.defaults().version().atLeast(8, 2, 0)).isTrue();
    }

    @Test
    void triggersResolveToOneBasedStepNumbers() {
        List<Step> steps = List.of(
                new Step.Migrate(),
                new Step.NoncoherentDma(true),
                new Step.Migrate(),
                new Step.WalkMemslots(Step.WalkMemslots.DEFAULT_BY));

        assertThat(new Fault.AtKind(StepKind.MIGRATE, 2).resolve(steps)).hasValue(3);
        assertThat(new Fault.AtKind(StepKind.MIGRATE, 3).resolve(steps)).isEmpty();
        assertThat(new Fault.AtKind(StepKind.GUEST_WRITE, 1).resolve(steps)).isEmpty();
        assertThat(new Fault.AtStep(4).resolve(steps)).hasValue(4);
        assertThat(new Fault.AtStep(5).resolve(steps)).isEmpty();
        assertThat(new Fault.AtKind(StepKind.GUEST_WRITE, 2)).hasToString("guest-write#2");
    }

    @Test
    void recordsRejectValuesTheLoaderNeverProduces() {
        assertThatThrownBy(() -> new Step.Access(StepKind.GUEST_WRITE, "b0", 0, 256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset 0 or byte value 256 out of range");
        assertThatThrownBy(() -> new Step.Access(StepKind.GPU_READ, "b0", 0, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset 0 or byte value 7 out of range");
        assertThatThrownBy(() -> new Step.Access(StepKind.MIGRATE, "b0", 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migrate is not an access step");
        assertThat(new Step.Access(StepKind.RENDERER_WRITE, "b0", 1, 2).write()).isTrue();
        assertThat(new Step.Access(StepKind.RENDERER_READ, "b0", 1).write()).isFalse();
        assertThatThrownBy(() -> new Step.MapBlob("b0", 0, List.of("dirty"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown memslot flag dirty");
        assertThatThrownBy(() -> new Fault.AtKind(StepKind.MIGRATE, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ordinal counts from 1: 0");
        assertThatThrownBy(() -> new Expect(
                        Optional.empty(), List.of(), Optional.of(MigrationOutcome.Status.NOT_ATTEMPTED), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected migration outcome must be completed, blocked or failed");
    }

    @Test
    void labelsAreTheYamlSpellings() {
        assertThat(StepKind.SET_MEMORY_REGION.label()).isEqualTo("set-memory-region");
        assertThat(QemuConfig.GpuMode.VHOST_USER_GPU.label()).isEqualTo("vhost-user-gpu");
        assertThat(MigrationPolicy.BLOB_AS_GPU_STATE.label()).isEqualTo("blob-as-gpu-state");
        assertThat(Verdict.BENIGN_ALIAS.label()).isEqualTo("benign-alias");
        assertThat(Expect.NONE.isNone()).isTrue();
    }
}
