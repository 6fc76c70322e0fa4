package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.documents.RunResult;

/** The texts the nodes record, as real runs recorded them, in the words the console and the reports print. */
class WordsTest {

    @Test
    void aCreatedMemslotSaysWhatKvmDidAndCitesTheRuleLast() {
        assertThat(Words.step(
                        "0",
                        true,
                        "CREATE: DOMAIN 3.2 step 7: creates slot 0:10 gpa 0x100000000+0x200000 hva 0x7f0000000000 []"))
                .isEqualTo("KVM created slot 0:10 (gpa 0x100000000, 2 MiB, hva 0x7f0000000000) - DOMAIN 3.2 step 7");
    }

    @Test
    void aMemslotsFlagsAndTheFurtherClausesStay() {
        assertThat(Words.step(
                        "0",
                        true,
                        "CREATE: DOMAIN 3.2 step 7: creates slot 0:10 gpa 0x100000000+0x200000 hva 0x7f0000000000"
                                + " [kvm-mem-dma]; RFC 3/3 registers non-coherent DMA for the whole VM (DOMAIN 4.1,"
                                + " rule 16); non-coherent DMA count 0 -> 1"))
                .isEqualTo("KVM created slot 0:10 (gpa 0x100000000, 2 MiB, hva 0x7f0000000000, flags kvm-mem-dma)"
                        + " - DOMAIN 3.2 step 7; RFC 3/3 registers non-coherent DMA for the whole VM (DOMAIN 4.1,"
                        + " rule 16); non-coherent DMA count 0 -> 1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiterString = " => ",
            value = {
                "DELETE: DOMAIN rule 22: deletes slot 10 => KVM deleted slot 10 - DOMAIN rule 22",
                "MOVE: DOMAIN rule 23: a new guest_phys_addr moves slot 1 from 0x0 to 0x80000000; its old SPTEs are"
                        + " flushed => KVM: a new guest_phys_addr moves slot 1 from 0x0 to 0x80000000 - DOMAIN rule 23;"
                        + " its old SPTEs are flushed",
                "NO_OP: DOMAIN rule 23: identical to slot 1, nothing to do"
                        + " => KVM: identical to slot 1, nothing to do - DOMAIN rule 23"
            })
    void everyMemslotChangeIsInWords(String detail, String words) {
        assertThat(Words.step("0", true, detail)).isEqualTo(words).doesNotContain("DELETE:", "MOVE:", "NO_OP:");
    }

    @Test
    void aFailedIoctlSaysItsErrnoOnce() {
        assertThat(Words.step(
                        "EINVAL",
                        false,
                        "EINVAL: DOMAIN rule 19 (3.2 step 10): KVM_SET_USER_MEMORY_REGION accepts only [log-dirty-pages,"
                                + " readonly], got [0x10]"))
                .isEqualTo("EINVAL: KVM_SET_USER_MEMORY_REGION accepts only (log-dirty-pages, readonly), got 0x10"
                        + " - DOMAIN rule 19 (3.2 step 10)");
        assertThat(Words.step("EFAULT", false, "guest write of b0+0: KVM_RUN fails with EFAULT: on kernel 6.10"))
                .isEqualTo("guest write of b0+0: KVM_RUN fails with EFAULT: on kernel 6.10");
    }

    @Test
    void sizesAreInTheirLargestWholeUnit() {
        assertThat(List.of(Words.size(0x200000), Words.size(0x40000000), Words.size(0x1000), Words.size(0x1001)))
                .containsExactly("2 MiB", "1 GiB", "4 KiB", "0x1001 bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiterString = " => ",
            value = {
                "inject Messages[rules=[MessageRule[action=DELAY, from=kvm-node, to=conductor, kind=, count=1,"
                        + " probability=1.0, delayMs=2500]]]"
                        + " => inject messages: delay the next 1 message from kvm-node to conductor by 2500 ms",
                "inject Messages[rules=[MessageRule[action=DROP, from=qemu-node, to=monitor, kind=, count=3,"
                        + " probability=1.0, delayMs=0]]] => inject messages: drop the next 3 messages from qemu-node to monitor",
                "inject Messages[rules=[MessageRule[action=DROP, from=, to=, kind=, count=0, probability=0.02,"
                        + " delayMs=0], MessageRule[action=DELAY, from=, to=, kind=, count=0, probability=0.02,"
                        + " delayMs=134]]]"
                        + " => inject messages: drop 2% of the messages; delay 2% of the messages by 134 ms",
                "inject Messages[rules=[]] => inject no message rules",
                "inject Kill[node=qemu-node] => inject kill qemu-node",
                "inject Restart[node=gpu-process-node] => inject restart gpu-process-node",
                "inject Partition[groups=[[kvm-node, monitor], [gpu-process-node, qemu-node, migration-node]]]"
                        + " => inject partition kvm-node, monitor | gpu-process-node, qemu-node, migration-node",
                "inject Heal[] => inject heal every partition",
                "the monitor could not observe every event: [Gap[node=qemu-node, incarnation=10, missing=[1]]]"
                        + " => the monitor could not observe every event: qemu-node (incarnation 10) event 1",
                "blockers [virgl is not yet migratable], blobs to copy 0"
                        + " => blockers (virgl is not yet migratable), blobs to copy 0",
                "blockers [], blobs to copy 1 => blockers none, blobs to copy 1",
                "migration completed: GPU process saved 1 blob(s) as GPU state: [b0] (DOMAIN 9 option 7)"
                        + " => migration completed: GPU process saved 1 blob(s) as GPU state: b0 (DOMAIN 9 option 7)",
                "faults {planned=2, injected=2, kill=1} => faults planned 2, injected 2, kill 1",
                "Unforeseen[what=x, list=[]] => unforeseen (what x, list none)"
            })
    void javaSpellingsBecomeWords(String recorded, String words) {
        assertThat(Words.outcome(recorded)).isEqualTo(words);
    }

    @Test
    void indexesAndTextWithoutJavaSpellingsStayAsTheyAre() {
        String text = "steps[1].allocate.placement = gtt-uswc; slot 2 [0x20000000, 0x60000000) overlaps; CR0.CD=1;"
                + " DOMAIN 1.5 [U]: host WB x guest WB is not verified";
        assertThat(Words.plain(text)).isEqualTo(text);
    }

    @Test
    void aPartitionFromTheTraceIsItsGroups() {
        assertThat(Words.partition("[[kvm-node], [monitor]]")).isEqualTo("kvm-node | monitor");
        assertThat(Words.partition("[]")).isEmpty();
    }

    @Test
    void aHazardIsItsBufferPairKindAndStep() {
        assertThat(Words.hazard(new RunResult.HazardEntry(
                        "b0", List.of("guest", "renderer"), List.of("WB", "WC"), "memtype-alias", 4, "w")))
                .isEqualTo("b0 guest/renderer memtype-alias at step 4");
    }
}
