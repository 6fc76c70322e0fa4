package org.memtypelab.gpu;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationPolicy;
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

/** gpu-process-node as an actor: allocates and maps buffers, exports dma-bufs to qemu-node, runs GPU accesses. */
class GpuProcessNodeTest {

    private static final Duration QUIET = Duration.ofMillis(200);
    private static final long INCARNATION = 5;
    private static final long MIB2 = 2L << 20;
    private static final BufferProfile GTT_WC =
            new BufferProfile(Backing.RAM, Optional.of(MemType.WC), MemType.WC, GpuSnoop.NO_SNOOP);
    private static final MappingType.Dma NO_SNOOP = new MappingType.Dma(false);

    static ActorTestKit kit;

    @TempDir
    Path traceDir;

    private TestProbe<MonitorProtocol.Command> monitor;
    private TestProbe<StepDone> reply;
    private TestProbe<QemuProtocol.Command> qemu;
    private ActorRef<GpuProtocol.Command> gpu;

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
        qemu = kit.createTestProbe(QemuProtocol.Command.class);
        gpu = kit.spawn(GpuProcessNode.create(INCARNATION, monitor.ref()));
    }

    @Test
    void allocateEmitsTheRenderersMappingAndTracesItBeforeTheReply() {
        setUp();

        StepDone done = step(new GpuProtocol.Allocate(new Stamp(1, 6), "b0", MIB2, GTT_WC, reply.ref()));
        List<JsonNode> trace = trace();
        Event event = events(1).get(0);

        assertThat(done.ok()).isTrue();
        assertThat(done.detail()).contains("allocated b0", "renderer maps it WC");
        assertThat(event)
                .isEqualTo(new Event(
                        GpuProcessNode.NODE,
                        INCARNATION,
                        1,
                        1,
                        8,
                        new Observation.MappingSet(
                                new Mapping("b0", Who.RENDERER, new MappingType.Cpu(MemType.WC), true))));
        assertThat(done.lamport()).isEqualTo(event.lamport());
        assertThat(kinds(trace)).containsExactly("setup", "recv", "decide", "event");
        assertThat(trace.get(1).get("what").asText()).isEqualTo("allocate b0");
        assertThat(trace.get(3).get("seq").asLong()).isEqualTo(1);
        assertThat(trace.get(3).get("observation").get("mapping").get("who").asText())
                .isEqualTo("RENDERER");
    }

    @Test
    void exportHandsTheDmaBufToQemuWithTheOriginalReplyTo() {
        setUp();
        step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, reply.ref()));
        Event allocated = events(1).get(0);

        gpu.tell(new GpuProtocol.Export(new Stamp(2, 2), "b0", reply.ref()));
        QemuProtocol.ImportDmaBuf handed = qemu.expectMessageClass(QemuProtocol.ImportDmaBuf.class);
        List<JsonNode> trace = trace();

        assertThat(handed.dmaBuf()).isEqualTo(new DmaBuf("b0", MIB2, GTT_WC));
        assertThat(handed.replyTo()).as("qemu-node answers the step").isEqualTo(reply.ref());
        assertThat(handed.stamp().step()).isEqualTo(2);
        assertThat(handed.stamp().lamport()).isGreaterThan(allocated.lamport());
        assertThat(kinds(trace)).containsExactly("setup", "recv", "decide", "event", "recv", "decide", "send");
        assertThat(trace.get(6).get("what").asText()).isEqualTo("dma-buf b0 to qemu-node");
        assertThat(trace.get(6).get("lamport").asLong())
                .isEqualTo(handed.stamp().lamport());
        reply.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void exportingAnUnknownBufferFailsTheStepWithoutBotheringQemu() {
        setUp();

        StepDone done = step(new GpuProtocol.Export(new Stamp(1, 1), "nope", reply.ref()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).isEqualTo("the GPU process has no buffer nope");
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void firstGpuAccessSetsTheDmaMappingAndLaterOnesOnlyAccess() {
        setUp();
        step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, reply.ref()));

        StepDone wrote = step(new GpuProtocol.GpuAccess(new Stamp(2, 2), "b0", true, 64, 0xab, reply.ref()));
        StepDone read = step(new GpuProtocol.GpuAccess(new Stamp(3, 3), "b0", false, 64, 0, reply.ref()));
        List<Event> events = events(4);

        assertThat(wrote.detail()).isEqualTo("gpu write of b0+64 (dma (no snoop))");
        assertThat(read.ok()).isTrue();
        assertThat(events)
                .extracting(Event::observation)
                .containsExactly(
                        new Observation.MappingSet(
                                new Mapping("b0", Who.RENDERER, new MappingType.Cpu(MemType.WC), true)),
                        new Observation.MappingSet(new Mapping("b0", Who.GPU, NO_SNOOP, true)),
                        new Observation.Access("b0", Who.GPU, NO_SNOOP, true, 64, 0xab),
                        new Observation.Access("b0", Who.GPU, NO_SNOOP, false, 64, 0));
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(events).extracting(Event::lamport).isSorted().doesNotHaveDuplicates();
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void rendererAccessOutsideTheBufferFailsAndEmitsNothing() {
        setUp();
        step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, reply.ref()));
        events(1);

        StepDone done = step(new GpuProtocol.RendererAccess(new Stamp(2, 2), "b0", true, MIB2, 1, reply.ref()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).contains("outside b0");
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void saveBlobsSavesTheExportedBuffers() {
        setUp();
        step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, reply.ref()));
        step(new GpuProtocol.Allocate(new Stamp(2, 2), "b1", MIB2, GTT_WC, reply.ref()));
        gpu.tell(new GpuProtocol.Export(new Stamp(3, 3), "b1", reply.ref()));
        qemu.expectMessageClass(QemuProtocol.ImportDmaBuf.class);

        StepDone done = step(new GpuProtocol.SaveBlobs(new Stamp(4, 4), reply.ref()));

        assertThat(done.ok()).isTrue();
        assertThat(done.detail()).isEqualTo("GPU process saved 1 blob(s) as GPU state: [b1]");
    }

    @Test
    void stepsBeforeSetupAreRefusedRatherThanCrashingTheNode() {
        StepDone allocate = step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, reply.ref()));
        StepDone save = step(new GpuProtocol.SaveBlobs(new Stamp(2, 2), reply.ref()));
        StepDone export = step(new GpuProtocol.Export(new Stamp(3, 3), "b0", reply.ref()));

        assertThat(allocate.ok()).isFalse();
        assertThat(allocate.detail()).isEqualTo("gpu-process-node has no run set up");
        assertThat(save.ok()).isFalse();
        assertThat(save.detail()).isEqualTo("gpu-process-node has no run set up");
        assertThat(export.ok()).isFalse();
        assertThat(setUp().ok()).as("the node is still alive").isTrue();
    }

    @Test
    void resendToSendsExactlyTheAskedSeqsToTheGivenMonitor() {
        setUp();
        step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, reply.ref()));
        step(new GpuProtocol.GpuAccess(new Stamp(2, 2), "b0", true, 0, 1, reply.ref()));
        List<Event> sent = events(3);
        TestProbe<NodeMark> marks = kit.createTestProbe(NodeMark.class);
        gpu.tell(new NodeCommand.GetMark(marks.ref()));
        NodeMark mark = marks.receiveMessage();
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        mark.resendTo().tell(new NodeCommand.ResendTo(INCARNATION, List.of(2L, 3L), other.ref()));

        assertThat(mark).isEqualTo(new NodeMark(GpuProcessNode.NODE, INCARNATION, 3, mark.resendTo()));
        assertThat(other.receiveSeveralMessages(2))
                .extracting(m -> ((Observed) m).event())
                .containsExactly(sent.get(1), sent.get(2));
        other.expectNoMessage(QUIET);
        monitor.expectNoMessage(QUIET);
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        setUp();
        step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, reply.ref()));
        events(1);
        TestProbe<MonitorProtocol.Command> other = kit.createTestProbe(MonitorProtocol.Command.class);

        gpu.tell(new NodeCommand.ResendTo(INCARNATION + 1, List.of(1L), other.ref()));

        other.expectNoMessage(QUIET);
    }

    private StepDone setUp() {
        Peers peers = new Peers(kit.createTestProbe(KvmProtocol.Command.class).ref(), qemu.ref(), gpu);
        RunSetup setup = new RunSetup(
                "run-1",
                42,
                KvmPlatform.defaults(),
                QemuConfig.defaults(),
                MigrationPolicy.STATUS_QUO,
                traceDir.toString(),
                peers);
        return step(new NodeCommand.Setup(setup, reply.ref()));
    }

    private StepDone step(GpuProtocol.Command command) {
        gpu.tell(command);
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
            for (String line : Files.readAllLines(traceDir.resolve("trace-" + GpuProcessNode.NODE + ".jsonl"))) {
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
