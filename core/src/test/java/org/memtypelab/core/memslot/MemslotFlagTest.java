package org.memtypelab.core.memslot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Flag bits, YAML names and decoding with unknown bits (DOMAIN 3.1, rule 19). */
class MemslotFlagTest {

    @ParameterizedTest(name = "DOMAIN 3.1: {0} is bit value {1}, YAML ''{2}''")
    @CsvSource({
        "LOG_DIRTY_PAGES, 1, log-dirty-pages",
        "READONLY, 2, readonly",
        "GUEST_MEMFD, 4, guest-memfd",
        "KVM_MEM_DMA, 4, kvm-mem-dma"
    })
    void bitsAndNamesFollowTheUapiHeader(MemslotFlag flag, int bit, String yaml) {
        assertThat(flag.bit()).isEqualTo(bit);
        assertThat(flag.yamlName()).isEqualTo(yaml);
        assertThat(MemslotFlag.parse(yaml)).contains(flag);
        assertThat(MemslotFlag.parse(" " + yaml.toUpperCase() + " ")).contains(flag);
    }

    @ParameterizedTest(name = "unknown YAML flag ''{0}'' does not parse")
    @ValueSource(strings = {"", "dirty", "log_dirty_pages", "non-coherent-dma"})
    void unknownNamesAreRejected(String name) {
        assertThat(MemslotFlag.parse(name)).isEmpty();
        assertThat(MemslotFlag.allowed()).contains("log-dirty-pages", "kvm-mem-dma");
    }

    @ParameterizedTest(name = "DOMAIN 3.1: bits {0} on a kvm-mem-dma kernel={1} -> {2} + unknown {3}")
    @CsvSource({
        "0, false, '', 0",
        "1, false, LOG_DIRTY_PAGES, 0",
        "7, false, LOG_DIRTY_PAGES READONLY GUEST_MEMFD, 0",
        "7, true, LOG_DIRTY_PAGES READONLY KVM_MEM_DMA, 0",
        "4, true, KVM_MEM_DMA, 0",
        "8, false, '', 8",
        "13, true, LOG_DIRTY_PAGES KVM_MEM_DMA, 8",
        "-1, false, LOG_DIRTY_PAGES READONLY GUEST_MEMFD, -8"
    })
    void bitTwoMeansGuestMemfdOrKvmMemDmaDependingOnTheKernel(int bits, boolean dmaKernel, String names, int unknown) {
        Set<MemslotFlag> expected = EnumSet.noneOf(MemslotFlag.class);
        for (String n : names.split(" ")) {
            if (!n.isEmpty()) {
                expected.add(MemslotFlag.valueOf(n));
            }
        }
        MemslotFlag.Decoded d = MemslotFlag.decode(bits, dmaKernel);
        assertThat(d.flags()).isEqualTo(expected);
        assertThat(d.unknownBits()).isEqualTo(unknown);
        assertThat(d.complete()).isEqualTo(unknown == 0);
        assertThat(MemslotFlag.encode(d.flags()) | d.unknownBits()).isEqualTo(bits);
    }

    @ParameterizedTest(name = "DOMAIN 3.1: {0} round-trips through encode/decode on its own kernel")
    @EnumSource(MemslotFlag.class)
    void encodeDecodeRoundTrip(MemslotFlag flag) {
        boolean dmaKernel = flag == MemslotFlag.KVM_MEM_DMA;
        assertThat(MemslotFlag.decode(MemslotFlag.encode(Set.of(flag)), dmaKernel)
                        .flags())
                .containsExactly(flag);
    }

    @ParameterizedTest(name = "describe({0}) = {1}")
    @CsvSource(
            delimiter = '|',
            value = {"0|[]", "3|[log-dirty-pages, readonly]", "24|[0x18]", "9|[log-dirty-pages, 0x8]"})
    void describeNamesFlagsAndUnknownBits(int bits, String text) {
        assertThat(MemslotFlag.describe(bits, false)).isEqualTo(text);
    }
}
