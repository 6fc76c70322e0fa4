package org.memtypelab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which virtio-gpu devices QEMU creates at all, per version (DOMAIN 5.1, 5.2, rules 28b, 32). */
class QemuConfigTest {

    private static QemuConfig config(String version, boolean virgl, boolean blob, boolean rutabaga) {
        return new QemuConfig(
                QemuVersion.of(version),
                virgl,
                blob,
                QemuConfig.GpuMode.IN_PROCESS,
                QemuConfig.ImportMode.DMABUF_MMAP,
                QemuConfig.BlobAccess.KVM_ONLY,
                rutabaga);
    }

    @ParameterizedTest(name = "rule 28b: QEMU {0} virgl blob=on is refused at realize")
    @CsvSource({"8.1.3", "8.2", "9.0", "9.1", "9.1.2"})
    void rule28b_virglWithBlobBeforeQemu92FailsAtDeviceCreation(String version) {
        assertThat(config(version, true, true, false).refusal())
                .hasValueSatisfying(why -> assertThat(why)
                        .startsWith(
                                "QEMU " + QemuVersion.of(version) + " refuses virgl with blob=on at device creation")
                        .contains("\"blobs and virgl are not compatible (yet)\"")
                        .contains("DOMAIN rule 28b")
                        .contains("qemu.version 9.2 or later", "virgl: false", "blob: false"));
    }

    @ParameterizedTest(name = "rule 28b: QEMU {0} virgl={1} blob={2} rutabaga={3} is created")
    @CsvSource({
        "9.2,   true,  true,  false",
        "9.2.1, true,  true,  false",
        "10.0,  true,  true,  false",
        "9.1,   true,  false, false",
        "8.1.2, false, true,  false",
        "8.1.3, false, true,  false",
        "8.2,   false, true,  false",
        "8.2,   false, true,  true",
        "9.1,   false, true,  true",
        "8.2,   false, false, true"
    })
    void rule28b_theseDevicesRealize(String version, boolean virgl, boolean blob, boolean rutabaga) {
        assertThat(config(version, virgl, blob, rutabaga).refusal()).isEmpty();
    }

    @ParameterizedTest(name = "rule 28b: QEMU {0} has no virtio-gpu-rutabaga")
    @CsvSource({"8.1", "8.1.5", "7.2"})
    void rule28b_rutabagaArrivedInQemu82(String version) {
        assertThat(config(version, false, true, true).refusal())
                .hasValueSatisfying(why -> assertThat(why)
                        .contains("virtio-gpu-rutabaga arrived in QEMU 8.2")
                        .contains("DOMAIN")
                        .contains("rule 28b")
                        .contains("rutabaga: false"));
    }

    @ParameterizedTest(name = "rule 28b: QEMU {0}: rutabaga and virgl are one device or the other")
    @CsvSource({"8.2", "9.2"})
    void rule28b_rutabagaAndVirglTogetherAreRefused(String version) {
        assertThat(config(version, true, true, true).refusal())
                .hasValueSatisfying(why -> assertThat(why)
                        .contains("virtio-gpu-rutabaga")
                        .contains("one or the other")
                        .contains("rule 28b"));
    }

    @Test
    void rule28b_theSixArgumentConstructorIsPlainVirtioGpuWithoutRutabaga() {
        QemuConfig c = new QemuConfig(
                QemuVersion.of("9.2"),
                true,
                true,
                QemuConfig.GpuMode.IN_PROCESS,
                QemuConfig.ImportMode.DMABUF_MMAP,
                QemuConfig.BlobAccess.KVM_ONLY);

        assertThat(c.rutabaga()).isFalse();
        assertThat(c).isEqualTo(QemuConfig.defaults());
        assertThat(QemuConfig.defaults().refusal()).isEmpty();
    }

    @ParameterizedTest(name = "rule 32: virgl={0} blob={1} rutabaga={2} -> 2D blobs {3}")
    @CsvSource({
        "false, true,  false, true",
        "true,  true,  false, false",
        "false, true,  true,  false",
        "false, false, false, false"
    })
    void rule32_twoDimensionalBlobsAreBlobOnWithoutVirglOrRutabaga(
            boolean virgl, boolean blob, boolean rutabaga, boolean twoD) {
        assertThat(config("9.2", virgl, blob, rutabaga).twoDimensionalBlobs()).isEqualTo(twoD);
    }
}
