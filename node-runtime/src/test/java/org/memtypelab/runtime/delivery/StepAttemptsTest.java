package org.memtypelab.runtime.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memtypelab.runtime.delivery.StepAttempts.Decide;
import org.memtypelab.runtime.delivery.StepAttempts.Done;
import org.memtypelab.runtime.delivery.StepAttempts.Effect;
import org.memtypelab.runtime.delivery.StepAttempts.GiveUp;
import org.memtypelab.runtime.delivery.StepAttempts.Request;
import org.memtypelab.runtime.delivery.StepAttempts.Send;
import org.memtypelab.runtime.delivery.StepAttempts.StartTimer;

/** The conductor's step logic: when a command goes out again, when a step is done, and when the run gives up. */
class StepAttemptsTest {

    private static final Duration ATTEMPT = Duration.ofMillis(2000);
    private static final String GPU = "gpu-process-node";

    /** What happens to the machine: a step starts, an answer arrives, or an attempt's timer fires. */
    sealed interface Input permits Start, Answer, Fire {}

    record Start(int step, int attempts) implements Input {}

    record Answer(int step, String answer) implements Input {}

    record Fire(int step, int attempt) implements Input {}

    /** One row: after {@code inputs}, the last one's effects are {@code last}. */
    record Row(String name, List<Input> inputs, List<Effect<String, String>> last) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("a start sends the command and starts the first timer", List.of(start(2)), first(2)),
                new Row("an answer in the first attempt finishes the step", List.of(start(2), answer(2)), done(2)),
                new Row(
                        "a silent attempt is traced, the command sent again, a new timer started",
                        List.of(start(2), fire(2, 1)),
                        List.of(
                                new Decide<>(2, "no answer to allocate from gpu-process-node, attempt 2"),
                                new Send<>(2, 2, "allocate#2"),
                                new StartTimer<>(2, 2, ATTEMPT))),
                new Row("the repeat's answer finishes the step", List.of(start(2), fire(2, 1), answer(2)), done(2)),
                new Row(
                        "an answer to the first sending during the second attempt finishes the step too",
                        List.of(start(2), fire(2, 1), fire(2, 2), answer(2)),
                        done(2)),
                new Row(
                        "the last silent attempt gives up with the run's reason",
                        List.of(start(2), fire(2, 1), fire(2, 2), fire(2, 3)),
                        List.of(new GiveUp<>(
                                2, "step 2 (allocate) got no answer from gpu-process-node in 3 attempts of 2000 ms"))),
                new Row(
                        "one attempt: the first silence gives up",
                        List.of(new Start(4, 1), fire(4, 1)),
                        List.of(new GiveUp<>(
                                4, "step 4 (allocate) got no answer from gpu-process-node in 1 attempts of 2000 ms"))),
                new Row(
                        "a late answer to an earlier step is ignored",
                        List.of(start(1), answer(1), start(2), answer(1)),
                        List.of()),
                new Row(
                        "an abandoned step's answer is ignored once the next one started",
                        List.of(start(1), start(2), answer(1)),
                        List.of()),
                new Row(
                        "a late timer of an earlier step is ignored",
                        List.of(start(1), answer(1), start(2), fire(1, 1)),
                        List.of()),
                new Row(
                        "a late timer of an earlier attempt is ignored",
                        List.of(start(2), fire(2, 1), fire(2, 1)),
                        List.of()),
                new Row("a timer of an attempt not made yet is ignored", List.of(start(2), fire(2, 2)), List.of()),
                new Row("a timer after the answer is ignored", List.of(start(2), answer(2), fire(2, 1)), List.of()),
                new Row("a second answer is ignored", List.of(start(2), answer(2), answer(2)), List.of()),
                new Row(
                        "an answer after giving up is ignored",
                        List.of(new Start(2, 1), fire(2, 1), answer(2)),
                        List.of()),
                new Row("an answer before any start is ignored", List.of(answer(1)), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decidesWhatTheConductorDoesNext(Row row) {
        StepAttempts<String, String> steps = new StepAttempts<>();
        List<Effect<String, String>> last = List.of();
        for (Input input : row.inputs()) {
            last = apply(steps, input);
        }

        assertThat(last).isEqualTo(row.last());
    }

    @ParameterizedTest(name = "{0} attempts: {0} sendings, then the step gives up")
    @ValueSource(ints = {1, 2, 3, 8})
    void aNodeThatNeverAnswersGetsTheCommandAttemptsTimesThenTheStepGivesUp(int attempts) {
        StepAttempts<String, String> steps = new StepAttempts<>();
        List<Send<String, String>> sent = new ArrayList<>();
        List<Effect<String, String>> effects =
                steps.start(new Request<>(5, "migrate", "migration-node", "m", ATTEMPT, attempts));
        while (true) {
            StartTimer<String, String> timer = null;
            for (Effect<String, String> e : effects) {
                if (e instanceof Send<String, String> s) {
                    sent.add(s);
                } else if (e instanceof StartTimer<String, String> t) {
                    timer = t;
                }
            }
            if (timer == null) {
                break;
            }
            assertThat(sent).as("the loop must end").hasSizeLessThanOrEqualTo(attempts);
            effects = steps.timedOut(timer.step(), timer.attempt()); // the driver's timer fired
        }

        assertThat(sent).extracting(Send::attempt).containsExactlyElementsOf(rangeClosed(attempts));
        assertThat(sent).allSatisfy(s -> assertThat(s.command()).isEqualTo("m"));
        assertThat(effects)
                .containsExactly(new GiveUp<>(
                        5,
                        "step 5 (migrate) got no answer from migration-node in " + attempts + " attempts of 2000 ms"));
        assertThat(steps.inFlight(5)).isFalse();
    }

    @Test
    void aStepNeedsAPositiveAttemptAndAtLeastOne() {
        assertThatThrownBy(() -> new Request<>(1, "allocate", GPU, "c", Duration.ZERO, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a step needs a positive attempt and attempts >= 1, got PT0S and 3");
        assertThatThrownBy(() -> new Request<>(1, "allocate", GPU, "c", ATTEMPT, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a step needs a positive attempt and attempts >= 1, got PT2S and 0");
    }

    private static List<Effect<String, String>> apply(StepAttempts<String, String> steps, Input input) {
        if (input instanceof Start s) {
            return steps.start(new Request<>(s.step(), "allocate", GPU, "allocate#" + s.step(), ATTEMPT, s.attempts()));
        } else if (input instanceof Answer a) {
            return steps.answered(a.step(), a.answer());
        }
        Fire f = (Fire) input;
        return steps.timedOut(f.step(), f.attempt());
    }

    private static Start start(int step) {
        return new Start(step, 3);
    }

    private static Answer answer(int step) {
        return new Answer(step, "done " + step);
    }

    private static Fire fire(int step, int attempt) {
        return new Fire(step, attempt);
    }

    private static List<Effect<String, String>> first(int step) {
        return List.of(new Send<>(step, 1, "allocate#" + step), new StartTimer<>(step, 1, ATTEMPT));
    }

    private static List<Effect<String, String>> done(int step) {
        return List.of(new Done<>(step, "done " + step));
    }

    private static List<Integer> rangeClosed(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }
}
