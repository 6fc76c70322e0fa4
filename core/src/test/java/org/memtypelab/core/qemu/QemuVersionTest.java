package org.memtypelab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** QEMU versions as scenarios write them ({@code 9.2}, {@code 8.1.3}). */
class QemuVersionTest {

    @Test
    void parsesMajorMinorAndOptionalMicro() {
        assertThat(QemuVersion.parse("8.1.3")).contains(new QemuVersion(8, 1, 3));
        assertThat(QemuVersion.parse(" 9.2 ")).contains(new QemuVersion(9, 2, 0));
        assertThat(QemuVersion.of("8.1.3")).hasToString("8.1.3");
        assertThat(QemuVersion.of("9.2")).hasToString("9.2");
    }

    @ParameterizedTest(name = "\"{0}\" is not a QEMU version")
    @ValueSource(strings = {"", "9", "9.2.1.1", "v9.2", "9.x", "123.1"})
    void rejectsOtherFormats(String text) {
        assertThat(QemuVersion.parse(text)).isEmpty();
        assertThatThrownBy(() -> QemuVersion.of(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a QEMU version: " + text);
    }

    @Test
    void ordersByMajorMinorMicro() {
        assertThat(QemuVersion.of("8.1.3").atLeast(8, 1, 3)).isTrue();
        assertThat(QemuVersion.of("8.1.2").atLeast(8, 1, 3)).isFalse();
        assertThat(QemuVersion.of("8.2").atLeast(8, 1, 3)).isTrue();
        assertThat(QemuVersion.of("10.0").atLeast(9, 2, 0)).isTrue();
        assertThat(QemuVersion.of("8.10")).isGreaterThan(QemuVersion.of("8.9.9"));
    }
}
