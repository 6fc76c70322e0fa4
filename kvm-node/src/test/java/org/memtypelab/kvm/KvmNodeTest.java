package org.memtypelab.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.kvm.KvmModel;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.trace.TraceWriter;

/** kvm-node as an actor: it answers every step, numbers its events for the monitor, traces before it replies. */
class KvmNodeTest {

    private static final Duration QUIET = Duration.ofMillis(200);
    private static final long INCARNATION = 7;
    private static final long MIB2 = 2L << 20;
    private static final BlobSlot B0 = new BlobSlot(
            "b0",
            10,
            0x1_0000_0000L,
            MIB2,
            0x7f00_0000_0000L,
            0,
            Optional.empty(),
            MemType.WC,
            Backing.RAM,
            MemType.WC,
            false);

    static ActorTestKit kit;

    @TempDir
    Path traceDir;

    private TestProbe<MonitorProtocol.Command> monitor;
    private TestProbe<StepDone> reply;
    private ActorRef<KvmProtocol.Command> kvm;

    @BeforeAll
    static void startSystem() {
        kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ActorTestKit.applicationTestConfig()));
    }

    @AfterAll
    static void stopSystem() {
        kit.shutdownTestKit();
    }

    @BeforeEach
    void spawnNode() {
        monitor = kit.createTestProbe(MonitorProtocol.Command.class);
        reply = kit.createTestProbe(StepDone.class);
        kvm = kit.spawn(KvmNode.create(INCARNATION, monitor.ref()));
    }

    @Test
    void setupAnswersWithAFreshVmAndStartsTheTrace() {
        StepDone done = setUp("run-1");

        assertThat(done.ok()).isTrue();
        assertThat(done.node()).isEqualTo(KvmNode.NODE);
        assertThat(done.step()).isZero();
        assertThat(done.detail()).isEqualTo("fresh VM");
        List<JsonNode> trace = trace();
        assertThat(trace).hasSize(1);
        assertThat(trace.get(0).get("kind").asText()).isEqualTo("setup");
        assertThat(trace.get(0).get("run").asText()).isEqualTo("run-1");
        assertThat(trace.get(0).get("seed").asLong()).isEqualTo(42);
        assertThat(trace.get(0).get("incarnation").asLong()).isEqualTo(INCARNATION);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void guestMapAndAccessEmitTheModelsObservationsWithContiguousSeqsAndRisingLamports() {
        KvmModel oracle = new KvmModel(KvmPlatform.defaults());
        oracle.installBlob(B0);
        List<Observation> expected = new ArrayList<>();
        expected.addAll(oracle.guestMap("b0", Optional.empty()).observations());
        expected.addAll(oracle.guestAccess("b0", true, 64, 0xab).observations());
        setUp("run-1");

        StepDone installed = step(new KvmProtocol.InstallBlob(new Stamp(1, 3), B0, reply.ref()));
        monitor.expectNoMessage(QUIET); // a plain slot changes no mapping
        StepDone mapped = step(new KvmProtocol.GuestMap(new Stamp(2, 5), "b0", Optional.empty(), reply.ref()));
        StepDone wrote = step(new KvmProtocol.GuestAccess(new Stamp(3, 9), "b0", true, 64, 0xab, reply.ref()));
        List<Event> events = events(2);

        assertThat(installed.ok()).as(installed.detail()).isTrue();
        assertThat(installed.errno()).isEqualTo("0");
        assertThat(mapped.ok()).as(mapped.detail()).isTrue();
        assertThat(wrote.ok()).as(wrote.detail()).isTrue();
        assertThat(wrote.errno()).as("only memslot steps carry an errno").isEmpty();
        assertThat(events).extracting(Event::observation).containsExactlyElementsOf(expected);
        assertThat(events).extracting(Event::node).containsOnly(KvmNode.NODE);
        assertThat(events).extracting(Event::incarnation).containsOnly(INCARNATION);
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L);
        assertThat(events).extracting(Event::step).containsExactly(2, 3);
        assertThat(List.of(
                        installed.lamport(),
                        events.get(0).lamport(),
                        events.get(1).lamport()))
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(mapped.lamport())
                .as("the reply carries the clock after emitting")
                .isEqualTo(events.get(0).lamport());
        assertThat(wrote.lamport()).isEqualTo(events.get(1).lamport());
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void lamportClockMovesPastTheSendersClock() {
        setUp("run-1");

        StepDone installed = step(new KvmProtocol.InstallBlob(new Stamp(1, 100), B0, reply.ref()));
        StepDone mapped = step(new KvmProtocol.GuestMap(new Stamp(2, 1), "b0", Optional.empty(), reply.ref()));

        assertThat(installed.lamport()).isEqualTo(101);
        assertThat(events(1).get(0).lamport()).isGreaterThan(101);
        assertThat(mapped.lamport())
                .as("an older sender clock never moves ours back")
                .isGreaterThan(101);
    }

    @Test
    void overlappingSetMemoryRegionAnswersEexistAndEmitsNothing() {
        setUp("run-1");

        StepDone first = step(new KvmProtocol.SetMemoryRegion(
                new Stamp(1, 1), 1, 0, 0x1_0000_0000L, MIB2, Optional.empty(), reply.ref()));
        StepDone overlapping = step(new KvmProtocol.SetMemoryRegion(
                new Stamp(2, 2), 2, 0, 0x1_0010_0000L, MIB2, Optional.empty(), reply.ref()));

        assertThat(first.ok()).as(first.detail()).isTrue();
        assertThat(first.errno()).isEqualTo("0");
        assertThat(overlapping.ok()).isFalse();
        assertThat(overlapping.errno()).isEqualTo("EEXIST");
        assertThat(overlapping.detail()).startsWith("EEXIST").contains("rule 24", "overlaps slot 1");
        assertThat(overlapping.step()).isEqualTo(2);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void everyReceivedDecidedAndEmittedRecordIsOnDiskBeforeTheReply() {
        setUp("run-1");

        step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        assertThat(kinds(trace())).containsExactly("setup", "recv", "decide");

        step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", Optional.empty(), reply.ref()));
        assertThat(kinds(trace())).containsExactly("setup", "recv", "decide", "recv", "decide", "event");

        StepDone last = step(new KvmProtocol.GuestAccess(new Stamp(3, 3), "b0", false, 0, 0, reply.ref()));
        List<JsonNode> trace = trace();
        assertThat(kinds(trace))
                .containsExactly("setup", "recv", "decide", "recv", "decide", "event", "recv", "decide", "event");

        List<Event> events = events(2);
        assertThat(trace).extracting(l -> l.get("line").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(trace).extracting(l -> l.get("node").asText()).containsOnly(KvmNode.NODE);
        assertThat(trace.get(1).get("what").asText()).isEqualTo("install-blob b0");
        assertThat(trace.get(3).get("what").asText()).isEqualTo("guest-map b0");
        assertThat(trace.get(6).get("what").asText()).isEqualTo("guest-read");
        assertThat(trace.get(7).get("detail").asText()).isEqualTo(last.detail());
        JsonNode[] eventLines = {trace.get(5), trace.get(8)};
        for (int i = 0; i < 2; i++) {
            assertThat(eventLines[i].get("seq").asLong())
                    .isEqualTo(events.get(i).seq());
            assertThat(eventLines[i].get("lamport").asLong())
                    .isEqualTo(events.get(i).lamport());
            assertThat(eventLines[i].get("step").asInt())
                    .isEqualTo(events.get(i).step());
        }
    }

    @Test
    void resendToSendsExactlyTheAskedSeqsToTheGivenMonitor() {
        setUp("run-1");
        step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", Optional.empty(), reply.ref()));
        step(new KvmProtocol.GuestAccess(new Stamp(3, 3), "b0", true, 0, 1, reply.ref()));
        step(new KvmProtocol.GuestAccess(new Stamp(4, 4), "b0", false, 0, 0, reply.ref()));
        List<Event> sent = events(3);
        TestProbe<NodeMark> marks = kit.createTestProbe(NodeMark.class);
        kvm.tell(new NodeCommand.GetMark(marks.ref()));
        NodeMark mark = marks.receiveMessage();
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        mark.resendTo().tell(new NodeCommand.ResendTo(INCARNATION, List.of(1L, 3L), other.ref()));

        assertThat(mark).isEqualTo(new NodeMark(KvmNode.NODE, INCARNATION, 3, mark.resendTo()));
        assertThat(other.receiveSeveralMessages(2))
                .extracting(m -> ((Observed) m).event())
                .containsExactly(sent.get(0), sent.get(2));
        other.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        setUp("run-1");
        step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", Optional.empty(), reply.ref()));
        events(1);
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        kvm.tell(new NodeCommand.ResendTo(INCARNATION - 1, List.of(1L), other.ref()));

        other.expectNoMessage(QUIET);
    }

    @Test
    void stepsBeforeSetupAreRefused() {
        StepDone done = step(new KvmProtocol.GuestMap(new Stamp(1, 1), "b0", Optional.empty(), reply.ref()));
        StepDone ioctl = step(new KvmProtocol.InstallBlob(new Stamp(2, 2), B0, reply.ref()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).isEqualTo("kvm-node has no run set up");
        assertThat(ioctl.ok()).isFalse();
        assertThat(ioctl.detail()).isEqualTo("kvm-node has no run set up");
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void aNewSetupStartsAFreshVmAndEventStream() {
        setUp("run-1");
        step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", Optional.empty(), reply.ref()));
        events(1);

        StepDone again = setUp("run-2");
        StepDone reinstalled = step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", Optional.empty(), reply.ref()));

        assertThat(again.lamport()).isZero();
        assertThat(reinstalled.detail()).as("the old VM's slot 10 is gone").startsWith("CREATE");
        assertThat(events(1).get(0).seq()).isEqualTo(1);
        assertThat(trace())
                .filteredOn(l -> l.get("kind").asText().equals("setup"))
                .extracting(l -> l.get("run").asText())
                .as("a new run appends to the same trace file")
                .containsExactly("run-1", "run-2");
    }

    @Test
    void anIdleNodeRefusesEveryStepWithTheSameFailureAndSetupMakesItReady() {
        ActorRef<StepDone> to = reply.ref();
        List<KvmProtocol.Command> steps = List.of(
                new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, to),
                new KvmProtocol.RemoveBlob(new Stamp(2, 1), B0, to),
                new KvmProtocol.SetMemoryRegion(new Stamp(3, 1), 1, 0, 0, MIB2, Optional.empty(), to),
                new KvmProtocol.GuestMap(new Stamp(4, 1), "b0", Optional.empty(), to),
                new KvmProtocol.GuestAccess(new Stamp(5, 1), "b0", true, 0, 1, to),
                new KvmProtocol.NoncoherentDma(new Stamp(6, 1), true, to),
                new KvmProtocol.StartDirtyLog(new Stamp(7, 1), B0, to));

        List<StepDone> refused = steps.stream().map(this::step).toList();
        StepDone ready = setUp("run-1");
        StepDone installed = step(steps.get(0));

        assertThat(refused).allSatisfy(d -> {
            assertThat(d.ok()).isFalse();
            assertThat(d.detail()).isEqualTo("kvm-node has no run set up");
        });
        assertThat(refused).extracting(StepDone::step).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(ready.detail()).isEqualTo("fresh VM");
        assertThat(installed.detail()).startsWith("CREATE");
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void aTraceFailureRestartsTheNodeWithItsJournalAndItsVm() {
        setUp("run-1");
        StepDone installed = step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", Optional.empty(), reply.ref()));
        events(1);

        // the new run's trace cannot be opened: the actor fails and restarts; the Setup is not answered
        kvm.tell(new NodeCommand.Setup(setup("run-2", unwritableTraceDir()), reply.ref()));
        StepDone again = step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        StepDone read = step(new KvmProtocol.GuestAccess(new Stamp(3, 3), "b0", false, 0, 0, reply.ref()));

        assertThat(again)
                .as("a repeat after the restart is answered again from the journal, not acted on twice")
                .isEqualTo(installed);
        assertThat(read.ok()).as("the run's VM survived: " + read.detail()).isTrue();
        assertThat(events(1).get(0).seq()).as("the event numbering goes on").isEqualTo(2);
        List<JsonNode> trace = trace();
        assertThat(trace)
                .extracting(l -> l.get("line").asLong())
                .as("one trace, appended after the restart")
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(kinds(trace).subList(6, 11)).containsExactly("recv", "duplicate", "recv", "decide", "event");
    }

    @Test
    void stoppingTheNodeClosesItsTraceFile() throws IOException {
        setUp("run-1");
        step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, reply.ref()));
        assertThat(openFilesIn(traceDir))
                .as("the run's trace is open while it runs")
                .hasSize(1);

        kit.stop(kvm);

        assertThat(openFilesIn(traceDir)).isEmpty();
    }

    /** The files under {@code dir} this JVM holds open (Linux: /proc/self/fd). */
    private static List<Path> openFilesIn(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        Path real = dir.toRealPath();
        List<Path> open = new ArrayList<>();
        try (var links = Files.list(fds)) {
            for (Path fd : links.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(real)) {
                        open.add(target);
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return open;
    }

    /** A trace directory that cannot be created: its parent is a file. */
    private String unwritableTraceDir() {
        try {
            return Files.createFile(traceDir.resolve("not-a-dir"))
                    .resolve("traces")
                    .toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RunSetup setup(String runId) {
        return setup(runId, traceDir.toString());
    }

    private RunSetup setup(String runId, String dir) {
        Peers peers = new Peers(
                kvm,
                kit.createTestProbe(QemuProtocol.Command.class).ref(),
                kit.createTestProbe(GpuProtocol.Command.class).ref());
        return new RunSetup(
                runId, 42, KvmPlatform.defaults(), QemuConfig.defaults(), MigrationPolicy.STATUS_QUO, dir, peers);
    }

    private StepDone setUp(String runId) {
        return step(new NodeCommand.Setup(setup(runId), reply.ref()));
    }

    private StepDone step(KvmProtocol.Command command) {
        kvm.tell(command);
        return reply.receiveMessage();
    }

    private List<Event> events(int n) {
        return monitor.receiveSeveralMessages(n).stream()
                .map(m -> {
                    assertThat(m).isInstanceOf(Observed.class);
                    return ((Observed) m).event();
                })
                .toList();
    }

    private List<JsonNode> trace() {
        try {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(traceDir.resolve("trace-" + KvmNode.NODE + ".jsonl"))) {
                lines.add(TraceWriter.JSON.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> kinds(List<JsonNode> trace) {
        return trace.stream().map(l -> l.get("kind").asText()).toList();
    }
}
