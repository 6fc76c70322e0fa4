package org.memtypelab.runtime.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.CoherencyLedger.Gap;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.runtime.delivery.Resync.Answer;
import org.memtypelab.runtime.delivery.Resync.Ask;
import org.memtypelab.runtime.delivery.Resync.Resend;
import org.memtypelab.runtime.delivery.Resync.Step;

/** The monitor's resend loop: whom to ask for which events, when to look again, and when to give up. */
class ResyncTest {

    private static final String KVM = "kvm-node";
    private static final String GPU = "gpu-process-node";
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Resync.Policy THREE = new Resync.Policy(INTERVAL, 3);

    /** The report request's marks: kvm incarnation 1 sent up to seq 2, the gpu process incarnation 3 up to seq 3. */
    private static final List<Resync.Mark<String>> MARKS =
            List.of(new Resync.Mark<>(KVM, 1, 2, "kvm-ref"), new Resync.Mark<>(GPU, 3, 3, "gpu-ref"));

    /** One row: at {@code attempt} (0 = the request itself), with these seqs received, the loop does {@code next}. */
    record Row(String name, int attempt, Map<String, Set<Long>> received, Step<String> next) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("complete streams are answered at once", 0, got(List.of(1L, 2L), List.of(1L, 2L, 3L)), done()),
                new Row(
                        "one gap: only that node is asked, for only its missing seqs",
                        0,
                        got(List.of(1L, 2L), List.of(1L, 3L)),
                        ask(1, new Resend<>(GPU, 3, List.of(2L), "gpu-ref"))),
                new Row(
                        "gaps in two nodes: both asked, in the order of the marks",
                        0,
                        got(List.of(2L), List.of()),
                        ask(
                                1,
                                new Resend<>(KVM, 1, List.of(1L), "kvm-ref"),
                                new Resend<>(GPU, 3, List.of(1L, 2L, 3L), "gpu-ref"))),
                new Row(
                        "a retry with attempts left asks again for what is still missing",
                        2,
                        got(List.of(1L, 2L), List.of(1L)),
                        ask(3, new Resend<>(GPU, 3, List.of(2L, 3L), "gpu-ref"))),
                new Row(
                        "a retry after the resends arrived answers complete",
                        1,
                        got(List.of(1L, 2L), List.of(1L, 2L, 3L)),
                        done()),
                new Row(
                        "after the last attempt the open gaps are answered as unobserved",
                        3,
                        got(List.of(1L), List.of(1L, 2L, 3L)),
                        done(new Gap(KVM, 1, List.of(2L)))),
                new Row(
                        "a retry past the last attempt answers too",
                        7,
                        got(List.of(), List.of(3L)),
                        done(new Gap(KVM, 1, List.of(1L, 2L)), new Gap(GPU, 3, List.of(1L, 2L)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decidesTheNextStep(Row row) {
        Resync<String> resync = new Resync<>(THREE, MARKS);
        Resync.Gaps gaps = gaps(row.received());

        Step<String> next = row.attempt() == 0 ? resync.requested(gaps) : resync.retry(row.attempt(), gaps);

        assertThat(next).isEqualTo(row.next());
    }

    @ParameterizedTest(name = "{0} attempts: {0} rounds of resends, then the gap is reported")
    @ValueSource(ints = {0, 1, 3, 50})
    void aGapNobodyFillsIsAskedForAttemptsTimesThenReportedAsUnobserved(int attempts) {
        Resync<String> resync = new Resync<>(new Resync.Policy(INTERVAL, attempts), MARKS);
        Resync.Gaps gaps = gaps(got(List.of(1L, 2L), List.of(1L, 3L)));

        List<Ask<String>> asked = new ArrayList<>();
        Step<String> step = resync.requested(gaps);
        while (step instanceof Ask<String> ask) {
            asked.add(ask);
            assertThat(asked).as("the loop must end").hasSizeLessThanOrEqualTo(attempts);
            step = resync.retry(ask.attempt(), gaps); // the driver's timer fired
        }

        assertThat(asked).hasSize(attempts);
        assertThat(asked).extracting(Ask::attempt).containsExactlyElementsOf(rangeClosed(attempts));
        assertThat(asked).allSatisfy(a -> {
            assertThat(a.after()).isEqualTo(INTERVAL);
            assertThat(a.resends()).containsExactly(new Resend<>(GPU, 3, List.of(2L), "gpu-ref"));
        });
        assertThat(step).isEqualTo(done(new Gap(GPU, 3, List.of(2L))));
    }

    @Test
    void readsTheLedgersGapsAsTheyAreWhenTheTimerFires() {
        CoherencyLedger ledger = new CoherencyLedger();
        ledger.add(event(GPU, 3, 1));
        ledger.add(event(GPU, 3, 3));
        Resync<String> resync = new Resync<>(THREE, List.of(new Resync.Mark<>(GPU, 3, 3, "gpu-ref")));

        Step<String> first = resync.requested(ledger::gap);
        ledger.add(event(GPU, 3, 2)); // the resend arrived
        Step<String> second = resync.retry(1, ledger::gap);

        assertThat(first).isEqualTo(ask(1, new Resend<>(GPU, 3, List.of(2L), "gpu-ref")));
        assertThat(second).isEqualTo(done());
    }

    @Test
    void noMarksIsAnsweredAtOnce() {
        assertThat(new Resync<String>(THREE, List.of()).requested(gaps(Map.of())))
                .isEqualTo(done());
    }

    @Test
    void aRetryBeforeAnyResendOrABadPolicyIsABug() {
        Resync<String> resync = new Resync<>(THREE, MARKS);

        assertThatThrownBy(() -> resync.retry(0, gaps(Map.of()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Resync.Policy(Duration.ZERO, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Resync.Policy(INTERVAL, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, Set<Long>> got(List<Long> kvm, List<Long> gpu) {
        return Map.of(KVM, new TreeSet<>(kvm), GPU, new TreeSet<>(gpu));
    }

    /** Gaps computed from the received seqs (any incarnation the map knows; the marks name one each). */
    private static Resync.Gaps gaps(Map<String, Set<Long>> received) {
        Map<String, Set<Long>> copy = new HashMap<>(received);
        return (node, incarnation, upTo) -> {
            List<Long> missing = new ArrayList<>();
            for (long s = 1; s <= upTo; s++) {
                if (!copy.getOrDefault(node, Set.of()).contains(s)) {
                    missing.add(s);
                }
            }
            return new Gap(node, incarnation, missing);
        };
    }

    @SafeVarargs
    private static Step<String> ask(int attempt, Resend<String>... resends) {
        return new Ask<>(List.of(resends), attempt, INTERVAL);
    }

    private static Step<String> done(Gap... unobserved) {
        return new Answer<>(List.of(unobserved));
    }

    private static List<Integer> rangeClosed(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }

    private static Event event(String node, long incarnation, long seq) {
        return new Event(node, incarnation, seq, (int) seq, seq, new Observation.MappingGone("b0", Who.GPU));
    }
}
