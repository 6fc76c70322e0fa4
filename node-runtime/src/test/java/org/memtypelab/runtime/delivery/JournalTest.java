package org.memtypelab.runtime.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;

/** The pure delivery bookkeeping: Lamport clock, command dedupe across repeats and runs, numbered events, resends. */
class JournalTest {

    private static Journal<String> started(String run) {
        Journal<String> j = new Journal<>("kvm-node", 2);
        j.start(run);
        return j;
    }

    @Test
    void theClockMovesPastTheSendersAndTicksOnEverySend() {
        Journal<String> j = started("r1");

        j.received(41);
        assertThat(j.lamport()).isEqualTo(42);
        j.received(3);
        assertThat(j.lamport()).as("an older sender does not move it back").isEqualTo(43);
        assertThat(j.sending()).isEqualTo(44);
    }

    @Test
    void aRepeatedCommandIsNotNewAndGetsBackWhatItSent() {
        Journal<String> j = started("r1");

        assertThat(j.command(3, "guest-map b0", "r1")).isEqualTo(Journal.Seen.NEW);
        j.remember("reply-1");
        j.remember("event-1");
        assertThat(j.command(3, "guest-map b0", "r1")).isEqualTo(Journal.Seen.REPEATED);

        assertThat(j.sentFor(3, "guest-map b0")).containsExactly("reply-1", "event-1");
        assertThat(j.command(4, "guest-map b0", "r1"))
                .as("another step is another command")
                .isEqualTo(Journal.Seen.NEW);
    }

    @Test
    void aCommandOfAnotherRunIsStaleAndAnEmptyRunMeansThisOne() {
        Journal<String> j = started("r2");

        assertThat(j.command(1, "setup-blob", "r1")).isEqualTo(Journal.Seen.STALE);
        assertThat(j.command(1, "setup-blob", "")).isEqualTo(Journal.Seen.NEW);
    }

    @Test
    void aLateAnswerFiledUnderAnEarlierCommandIsResentWithIt() {
        Journal<String> j = started("r1");
        j.command(5, "migrate", "r1");
        j.remember("info-request");
        j.command(6, "guest-read", "r1");

        j.rememberFor(5, "migrate", "final-answer");

        assertThat(j.sentFor(5, "migrate")).containsExactly("info-request", "final-answer");
        assertThat(j.currentCommand()).isEqualTo("guest-read");
    }

    @Test
    void eventsAreNumberedFromOneAndOnlyThisIncarnationsCanBeResent() {
        Journal<String> j = started("r1");
        Observation gone = new Observation.MappingGone("b0", Who.GUEST);

        Event first = j.event(1, gone);
        Event second = j.event(2, gone);

        assertThat(List.of(first.seq(), second.seq())).containsExactly(1L, 2L);
        assertThat(second.lamport()).isGreaterThan(first.lamport());
        assertThat(j.lastSeq()).isEqualTo(2);
        assertThat(j.resendable(2, List.of(2L, 7L, 0L))).containsExactly(second);
        assertThat(j.resendable(1, List.of(1L, 2L)))
                .as("an earlier incarnation's events died with it")
                .isEmpty();
    }

    @Test
    void aNewRunForgetsCommandsEventsAndTheClock() {
        Journal<String> j = started("r1");
        j.command(1, "x", "r1");
        j.event(1, new Observation.MappingGone("b0", Who.GUEST));

        j.start("r2");

        assertThat(j.lamport()).isZero();
        assertThat(j.lastSeq()).isZero();
        assertThat(j.command(1, "x", "r2")).isEqualTo(Journal.Seen.NEW);
    }
}
