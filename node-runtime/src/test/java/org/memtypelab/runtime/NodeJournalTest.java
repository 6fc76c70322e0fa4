package org.memtypelab.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;
import static org.memtypelab.runtime.testkit.TraceFiles.kinds;
import static org.memtypelab.runtime.testkit.TraceFiles.ofKind;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.documents.Documents;
import org.memtypelab.protocol.node.MessageRule;
import org.memtypelab.protocol.node.MessageRule.Action;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.delivery.Outbox;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.Runs;
import org.memtypelab.runtime.testkit.TraceFiles;

/** A node's journal as its outbox: armed faults, deduped commands, resends, all traced. */
class NodeJournalTest {

    private static final String NODE = "kvm-node";
    private static final String QEMU = "qemu-node";
    private static final String GPU = "gpu-process-node";
    private static final long INCARNATION = 3;

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    @TempDir
    Path traceDir;

    private TestProbe<MonitorProtocol.Command> monitor;
    private TestProbe<Object> target;

    @BeforeEach
    void probes() {
        monitor = kit.createTestProbe(MonitorProtocol.Command.class);
        target = kit.createTestProbe(Object.class);
    }

    @Test
    void withoutFaultsAMessageIsDeliveredOnce() {
        NodeJournal j = started(42);

        j.send(target.ref(), QEMU, done(1), 1);

        target.expectMessage(done(1));
        target.expectNoMessage(QUIET);
        assertThat(kinds(trace())).containsExactly("setup");
    }

    @Test
    void aDropWithCountOneDropsExactlyTheFirstMatchingMessage() {
        NodeJournal j = started(42);
        j.arm(4, List.of(MessageRule.of(Action.DROP, "", QEMU, 1, 0)), List.of(), false);

        j.send(target.ref(), QEMU, done(1), 4);
        j.send(target.ref(), QEMU, done(2), 4);

        target.expectMessage(done(2));
        target.expectNoMessage(QUIET);
        List<JsonNode> faults = ofKind(trace(), "fault");
        assertThat(faults).hasSize(1);
        assertThat(faults.get(0).get("fault").asText()).isEqualTo("drop");
        assertThat(faults.get(0).get("to").asText()).isEqualTo(QEMU);
        assertThat(faults.get(0).get("message").asText()).isEqualTo("StepDone");
        assertThat(faults.get(0).get("step").asInt()).isEqualTo(4);
        assertThat(kinds(trace())).containsExactly("setup", "arm", "fault");
    }

    @Test
    void aDuplicateDeliversTwice() {
        sendTwoUnder(MessageRule.of(Action.DUPLICATE, "", "", 1, 0));

        target.expectMessage(done(1));
        target.expectMessage(done(1));
        target.expectMessage(done(2));
        target.expectNoMessage(QUIET);
        assertThat(faults()).containsExactly("duplicate");
    }

    @Test
    void aDelayDeliversNoSoonerThanTheDelay() {
        sendTwoUnder(MessageRule.of(Action.DELAY, "", "", 1, 600));

        target.expectMessage(done(2)); // not held up behind the delayed one
        target.expectNoMessage(Duration.ofMillis(450));
        target.expectMessage(Duration.ofSeconds(2), done(1));
        target.expectNoMessage(QUIET);
        assertThat(faults()).containsExactly("delay");
    }

    @Test
    void aReorderedMessageIsOvertakenByTheNextOne() {
        sendTwoUnder(MessageRule.of(Action.REORDER, "", "", 1, 0));

        target.expectMessage(done(2));
        target.expectMessage(Duration.ofSeconds(2), done(1));
        target.expectNoMessage(QUIET);
    }

    @Test
    void withoutASchedulerDelayedAndReorderedMessagesGoAtOnce() {
        NodeJournal j = new NodeJournal(NODE, INCARNATION, monitor.ref());
        j.start(setup(42, traceDir));
        j.arm(
                1,
                List.of(MessageRule.of(Action.DELAY, "", "", 1, 60_000), MessageRule.of(Action.REORDER, "", "", 1, 0)),
                List.of(),
                false);

        j.send(target.ref(), QEMU, done(1), 1);
        j.send(target.ref(), QEMU, done(2), 1);

        target.expectMessage(done(1));
        target.expectMessage(done(2));
        assertThat(faults()).containsExactly("delay", "reorder");
    }

    @Test
    void fromToAndKindSelectorsPickTheMessages() {
        NodeJournal j = started(42);
        j.arm(
                1,
                List.of(
                        MessageRule.of(Action.DROP, GPU, "", 0, 0), // another sender's rule: not this node's
                        new MessageRule(Action.DROP, NODE, QEMU, "MigrationInfo", 0, 1.0, 0),
                        MessageRule.of(Action.DUPLICATE, "", GPU, 1, 0)),
                List.of(),
                false);
        QemuProtocol.MigrationInfo info = new QemuProtocol.MigrationInfo(1, List.of(), List.of(), 5);

        j.send(target.ref(), QEMU, info, 1); // dropped: sender, receiver and kind match
        j.send(target.ref(), QEMU, done(1), 1); // another kind
        j.send(target.ref(), "monitor", info, 1); // another receiver
        j.send(target.ref(), GPU, done(2), 1); // duplicated: only the receiver is selected

        target.expectMessage(done(1));
        target.expectMessage(info);
        target.expectMessage(done(2));
        target.expectMessage(done(2));
        target.expectNoMessage(QUIET);
        assertThat(ofKind(trace(), "fault"))
                .extracting(l -> l.get("fault").asText() + " " + l.get("to").asText() + " "
                        + l.get("message").asText())
                .containsExactly("drop qemu-node MigrationInfo", "duplicate gpu-process-node StepDone");
    }

    @Test
    void aPartitionDropsBetweenGroupsAndAHealRestores() {
        NodeJournal j = started(42);
        TestProbe<Object> gpu = kit.createTestProbe(Object.class);
        j.arm(2, List.of(), List.of(Set.of(NODE, QEMU), Set.of(GPU)), false);

        j.send(gpu.ref(), GPU, done(1), 2);
        j.send(target.ref(), QEMU, done(2), 2);
        j.emit(2, List.of(new Observation.MappingGone("b0", Who.GUEST))); // the monitor is in no group

        target.expectMessage(done(2));
        assertThat(monitor.receiveMessage()).isInstanceOf(Observed.class);
        gpu.expectNoMessage(QUIET);

        j.arm(3, List.of(), List.of(), true);
        j.send(gpu.ref(), GPU, done(3), 3);

        gpu.expectMessage(done(3));
        assertThat(ofKind(trace(), "fault"))
                .extracting(l -> l.get("fault").asText() + " " + l.get("to").asText())
                .containsExactly("drop gpu-process-node");
        List<JsonNode> arms = ofKind(trace(), "arm");
        assertThat(arms).extracting(l -> l.get("heal").asBoolean()).containsExactly(false, true);
    }

    @Test
    void aRepeatedCommandResendsExactlyWhatItSentTheFirstTime() {
        NodeJournal j = started(42);
        TestProbe<Object> gpu = kit.createTestProbe(Object.class);

        assertThat(j.command(new Stamp(7, 3), "install-blob b0")).isFalse();
        assertThat(j.currentCommand()).isEqualTo("install-blob b0");
        j.send(target.ref(), QEMU, done(1), 7);
        j.send(gpu.ref(), GPU, done(2), 7);
        assertThat(j.command(new Stamp(8, 4), "guest-map b0")).isFalse();
        j.send(target.ref(), QEMU, done(3), 8);
        target.expectMessage(done(1));
        target.expectMessage(done(3));
        gpu.expectMessage(done(2));

        boolean repeat = j.command(new Stamp(7, 9, QEMU), "install-blob b0");

        assertThat(repeat)
                .as("same step and command, whatever the clock or sender")
                .isTrue();
        target.expectMessage(done(1));
        gpu.expectMessage(done(2));
        target.expectNoMessage(QUIET);
        gpu.expectNoMessage(QUIET);
        assertThat(j.command(new Stamp(9, 10), "install-blob b0"))
                .as("the same command at another step is new")
                .isFalse();
        List<JsonNode> duplicates = ofKind(trace(), "duplicate");
        assertThat(duplicates).hasSize(1);
        assertThat(duplicates.get(0).get("what").asText()).isEqualTo("install-blob b0");
        assertThat(duplicates.get(0).get("resent").asInt()).isEqualTo(2);
        assertThat(duplicates.get(0).get("step").asInt()).isEqualTo(7);
    }

    @Test
    void aRepeatedCommandGetsThroughWhatADropKeptFromTheFirstAnswer() {
        NodeJournal j = started(42);
        j.arm(1, List.of(MessageRule.of(Action.DROP, "", QEMU, 1, 0)), List.of(), false);

        j.command(new Stamp(1, 1, QEMU), "install-blob b0");
        j.send(target.ref(), QEMU, done(1), 1);
        target.expectNoMessage(QUIET);
        j.command(new Stamp(1, 1, QEMU), "install-blob b0");

        target.expectMessage(done(1));
        target.expectNoMessage(QUIET);
    }

    @Test
    void aNewRunForgetsTheCommandsOfTheLastOne() {
        NodeJournal j = started(42);
        j.command(new Stamp(1, 1), "guest-map b0");
        j.send(target.ref(), QEMU, done(1), 1);
        target.expectMessage(done(1));

        j.start(setup(42, traceDir));

        assertThat(j.command(new Stamp(1, 1), "guest-map b0")).isFalse();
        target.expectNoMessage(QUIET);
    }

    @Test
    void stampsAndTracesNameTheSender() {
        NodeJournal j = started(42);

        j.received(new Stamp(2, 10, QEMU), "install-blob b0");
        Stamp sent = j.sending(2, "guest-map b0 to qemu-node");
        j.received(new Stamp(3, 0), "guest-read");

        assertThat(sent).isEqualTo(new Stamp(2, 12, NODE, "run-1"));
        assertThat(new Stamp(3, 0).from()).isEqualTo("conductor");
        List<JsonNode> recv = ofKind(trace(), "recv");
        assertThat(recv).extracting(l -> l.get("from").asText()).containsExactly(QEMU, "conductor");
    }

    @Test
    void eventsAreNumberedAndTracedWithTheirObservationTypeTag() {
        NodeJournal j = started(42);
        Observation gone = new Observation.MappingGone("b0", Who.GUEST);

        j.emit(5, List.of(gone, gone));
        List<Event> events = events(2);

        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L);
        assertThat(events).extracting(Event::incarnation).containsOnly(INCARNATION);
        assertThat(events).extracting(Event::node).containsOnly(NODE);
        List<JsonNode> traced = ofKind(trace(), "event");
        assertThat(traced).extracting(l -> l.get("seq").asLong()).containsExactly(1L, 2L);
        JsonNode observation = traced.get(0).get("observation");
        assertThat(observation.get("obs").asText()).isEqualTo("mapping-gone");
        assertThat(observation.get("buffer").asText()).isEqualTo("b0");
        assertThat(Documents.JSON.convertValue(observation, Observation.class))
                .as("the type tag lets the trace be read back")
                .isEqualTo(gone);
    }

    @Test
    void resendSendsTheAskedSeqsOfThisIncarnationOnly() {
        NodeJournal j = started(42);
        j.emit(
                5,
                List.of(
                        new Observation.MappingGone("b0", Who.GUEST),
                        new Observation.MappingGone("b1", Who.GUEST),
                        new Observation.MappingGone("b2", Who.GUEST)));
        List<Event> events = events(3);
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        j.resend(new NodeCommand.ResendTo(INCARNATION, List.of(2L, 0L, 4L), other.ref()));
        assertThat(other.receiveMessage()).isEqualTo(new Observed(events.get(1), "run-1"));
        other.expectNoMessage(QUIET);

        j.resend(new NodeCommand.ResendTo(INCARNATION + 1, List.of(1L, 2L, 3L), other.ref()));
        other.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void resendsGoThroughTheOutbox() {
        NodeJournal j = started(42);
        j.emit(5, List.of(new Observation.MappingGone("b0", Who.GUEST)));
        Event e = events(1).get(0);
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);
        j.arm(6, List.of(MessageRule.of(Action.DROP, "", "monitor", 1, 0)), List.of(), false);

        j.resend(new NodeCommand.ResendTo(INCARNATION, List.of(1L), other.ref()));
        other.expectNoMessage(QUIET);
        j.resend(new NodeCommand.ResendTo(INCARNATION, List.of(1L), other.ref()));

        assertThat(other.receiveMessage()).isEqualTo(new Observed(e, "run-1"));
        assertThat(ofKind(trace(), "fault"))
                .extracting(l -> l.get("step").asInt())
                .containsExactly(5);
    }

    @Test
    void theJournalFaultsExactlyWhatThePureOutboxDecidesForTheRunSeed() {
        List<Integer> dropped = droppedSteps(42, "a");
        List<Integer> otherSeed = droppedSteps(43, "b");

        assertThat(dropped).isEqualTo(outboxDrops(42)).isNotEmpty().hasSizeLessThan(40);
        assertThat(otherSeed).isEqualTo(outboxDrops(43)).isNotEqualTo(dropped);
    }

    /** The steps of 40 replies to QEMU that this node's {@link Outbox}, alone, drops under a 50 % rule. */
    private static List<Integer> outboxDrops(long seed) {
        Outbox outbox = new Outbox(NODE, seed);
        outbox.arm(List.of(new MessageRule(Action.DROP, "", "", "", 0, 0.5, 0)));
        List<Integer> dropped = new ArrayList<>();
        for (int step = 1; step <= 40; step++) {
            if (!outbox.decide(QEMU, "StepDone").deliver()) {
                dropped.add(step);
            }
        }
        return dropped;
    }

    @Test
    void aNewRunDisarmsTheFaults() {
        NodeJournal j = started(42);
        j.arm(1, List.of(MessageRule.of(Action.DROP, "", "", 0, 0)), List.of(Set.of(NODE), Set.of(QEMU)), false);

        j.start(setup(42, traceDir));
        j.send(target.ref(), QEMU, done(1), 1);

        target.expectMessage(done(1));
    }

    /**
     * Sends 40 messages (step i for message i) through a fresh journal with a 50 % drop rule; checks the probe got
     * exactly the others and returns the dropped steps, as traced.
     */
    private List<Integer> droppedSteps(long seed, String dir) {
        Path d = traceDir.resolve(dir);
        NodeJournal j = started(seed, d);
        j.arm(0, List.of(new MessageRule(Action.DROP, "", "", "", 0, 0.5, 0)), List.of(), false);
        TestProbe<Object> to = kit.createTestProbe(Object.class);
        for (int i = 1; i <= 40; i++) {
            j.send(to.ref(), QEMU, done(i), i);
        }
        j.close();
        List<Integer> dropped = ofKind(trace(d), "fault").stream()
                .map(l -> l.get("step").asInt())
                .toList();
        List<Object> delivered = to.receiveSeveralMessages(40 - dropped.size());
        to.expectNoMessage(QUIET);
        List<Object> expected = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            if (!dropped.contains(i)) {
                expected.add(done(i));
            }
        }
        assertThat(delivered).isEqualTo(expected);
        return dropped;
    }

    /** Sends done(1) then done(2) to QEMU at step 1 through a journal armed with {@code rule} for that step. */
    private void sendTwoUnder(MessageRule rule) {
        NodeJournal j = started(42);
        j.arm(1, List.of(rule), List.of(), false);
        j.send(target.ref(), QEMU, done(1), 1);
        j.send(target.ref(), QEMU, done(2), 1);
    }

    /** The fault of every {@code fault} line of the trace, in order. */
    private List<String> faults() {
        return ofKind(trace(), "fault").stream()
                .map(l -> l.get("fault").asText())
                .toList();
    }

    private NodeJournal started(long seed) {
        return started(seed, traceDir);
    }

    /** A journal on the actor system's scheduler, started on a run with {@code seed} that traces into {@code dir}. */
    private NodeJournal started(long seed, Path dir) {
        NodeJournal j = new NodeJournal(
                NODE,
                INCARNATION,
                monitor.ref(),
                kit.system().scheduler(),
                kit.system().executionContext());
        j.start(setup(seed, dir));
        return j;
    }

    private static RunSetup setup(long seed, Path dir) {
        return Runs.setup("run-1", seed, QemuConfig.defaults(), MigrationPolicy.STATUS_QUO, dir.toString(), null);
    }

    /** A reply numbered by its step, so messages can be told apart. */
    private static StepDone done(int step) {
        return StepDone.of(new Stamp(step, 0), NODE, true, "done " + step, step);
    }

    private List<Event> events(int n) {
        return NodeTestKit.events(monitor, n);
    }

    private List<JsonNode> trace() {
        return trace(traceDir);
    }

    private static List<JsonNode> trace(Path dir) {
        return TraceFiles.read(dir, NODE);
    }
}
