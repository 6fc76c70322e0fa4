package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.memtypelab.lab.cluster.Waits;

class WaitNotesTest {

    /** A console that counts its lines. */
    private static final class Console extends PrintWriter {
        final CountDownLatch lines;

        Console(StringWriter into, int expected) {
            super(into, true);
            lines = new CountDownLatch(expected);
        }

        @Override
        public void println(String s) {
            super.println(s);
            lines.countDown();
        }
    }

    @Test
    void aLongWaitIsNamedWithItsAge() throws Exception {
        StringWriter text = new StringWriter();
        Console console = new Console(text, 1);
        Waits waits = new Waits();
        long before = System.nanoTime();

        waits.on("kvm-node to answer step 3 (map-blob)");
        try (WaitNotes notes = WaitNotes.watch(waits, console)) {
            assertThat(console.lines.await(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(WaitNotes.AFTER.toNanos());
        assertThat(text.toString())
                .matches("memtype-lab: waiting for kvm-node to answer step 3 \\(map-blob\\) \\(\\d+ s\\)\\R");
    }

    @Test
    void aWaitThatEndedPrintsNothingEvenLater() throws Exception {
        StringWriter text = new StringWriter();
        Console console = new Console(text, 1);
        Waits waits = new Waits();

        waits.on("the coherency monitor's report");
        waits.off();
        waits.on("kvm-node to answer setup");
        try (WaitNotes notes = WaitNotes.watch(waits, console)) {
            assertThat(console.lines.await(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(text.toString()).doesNotContain("report").contains("kvm-node to answer setup");
    }
}
