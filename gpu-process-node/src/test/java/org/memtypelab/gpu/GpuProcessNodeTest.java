package org.memtypelab.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.Blobs.MIB2;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;
import static org.memtypelab.runtime.testkit.TraceFiles.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.NodeUnderTest;
import org.memtypelab.runtime.testkit.Runs;

/** gpu-process-node as an actor: allocates and maps buffers, exports dma-bufs to qemu-node, runs GPU accesses. */
class GpuProcessNodeTest {

    private static final long INCARNATION = 5;
    private static final BufferProfile GTT_WC =
            new BufferProfile(Backing.RAM, Optional.of(MemType.WC), MemType.WC, GpuSnoop.NO_SNOOP);
    private static final MappingType.Dma NO_SNOOP = new MappingType.Dma(false);

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    private TestProbe<QemuProtocol.Command> qemu;
    private NodeUnderTest<GpuProtocol.Command> gpu;

    @BeforeEach
    void spawnNode() {
        qemu = kit.createTestProbe(QemuProtocol.Command.class);
        gpu = kit.spawnNode(GpuProcessNode.NODE, INCARNATION, GpuProcessNode::create);
    }

    @Test
    void allocateEmitsTheRenderersMappingAndTracesItBeforeTheReply() {
        setUp();

        StepDone done = gpu.step(new GpuProtocol.Allocate(new Stamp(1, 6), "b0", MIB2, GTT_WC, gpu.replyTo()));
        List<JsonNode> trace = gpu.trace();
        Event event = gpu.events(1).get(0);

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
        gpu.step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, gpu.replyTo()));
        Event allocated = gpu.events(1).get(0);

        gpu.tell(new GpuProtocol.Export(new Stamp(2, 2), "b0", gpu.replyTo()));
        QemuProtocol.ImportDmaBuf handed = qemu.expectMessageClass(QemuProtocol.ImportDmaBuf.class);
        List<JsonNode> trace = gpu.trace();

        assertThat(handed.dmaBuf()).isEqualTo(new DmaBuf("b0", MIB2, GTT_WC));
        assertThat(handed.replyTo()).as("qemu-node answers the step").isEqualTo(gpu.replyTo());
        assertThat(handed.stamp().step()).isEqualTo(2);
        assertThat(handed.stamp().lamport()).isGreaterThan(allocated.lamport());
        assertThat(kinds(trace)).containsExactly("setup", "recv", "decide", "event", "recv", "decide", "send");
        assertThat(trace.get(6).get("what").asText()).isEqualTo("dma-buf b0 to qemu-node");
        assertThat(trace.get(6).get("lamport").asLong())
                .isEqualTo(handed.stamp().lamport());
        gpu.reply().expectNoMessage(QUIET);
        gpu.monitor().expectNoMessage(QUIET);
    }

    @Test
    void exportingAnUnknownBufferFailsTheStepWithoutBotheringQemu() {
        setUp();

        StepDone done = gpu.step(new GpuProtocol.Export(new Stamp(1, 1), "nope", gpu.replyTo()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).isEqualTo("the GPU process has no buffer nope");
        qemu.expectNoMessage(QUIET);
    }

    @Test
    void firstGpuAccessSetsTheDmaMappingAndLaterOnesOnlyAccess() {
        setUp();
        gpu.step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, gpu.replyTo()));

        StepDone wrote = gpu.step(new GpuProtocol.GpuAccess(new Stamp(2, 2), "b0", true, 64, 0xab, gpu.replyTo()));
        StepDone read = gpu.step(new GpuProtocol.GpuAccess(new Stamp(3, 3), "b0", false, 64, 0, gpu.replyTo()));
        List<Event> events = gpu.events(4);

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
        gpu.monitor().expectNoMessage(QUIET);
    }

    @Test
    void rendererAccessOutsideTheBufferFailsAndEmitsNothing() {
        setUp();
        gpu.step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, gpu.replyTo()));
        gpu.events(1);

        StepDone done = gpu.step(new GpuProtocol.RendererAccess(new Stamp(2, 2), "b0", true, MIB2, 1, gpu.replyTo()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).contains("outside b0");
        gpu.monitor().expectNoMessage(QUIET);
    }

    @Test
    void saveBlobsSavesTheExportedBuffers() {
        setUp();
        gpu.step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, gpu.replyTo()));
        gpu.step(new GpuProtocol.Allocate(new Stamp(2, 2), "b1", MIB2, GTT_WC, gpu.replyTo()));
        gpu.tell(new GpuProtocol.Export(new Stamp(3, 3), "b1", gpu.replyTo()));
        qemu.expectMessageClass(QemuProtocol.ImportDmaBuf.class);

        StepDone done = gpu.step(new GpuProtocol.SaveBlobs(new Stamp(4, 4), gpu.replyTo()));

        assertThat(done.ok()).isTrue();
        assertThat(done.detail()).isEqualTo("GPU process saved 1 blob(s) as GPU state: [b1]");
    }

    @Test
    void stepsBeforeSetupAreRefusedRatherThanCrashingTheNode() {
        StepDone allocate = gpu.step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, gpu.replyTo()));
        StepDone save = gpu.step(new GpuProtocol.SaveBlobs(new Stamp(2, 2), gpu.replyTo()));
        StepDone export = gpu.step(new GpuProtocol.Export(new Stamp(3, 3), "b0", gpu.replyTo()));

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
        gpu.step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, gpu.replyTo()));
        gpu.step(new GpuProtocol.GpuAccess(new Stamp(2, 2), "b0", true, 0, 1, gpu.replyTo()));
        List<Event> sent = gpu.events(3);

        gpu.assertResends(kit.mark(gpu.ref()), INCARNATION, 3, List.of(2L, 3L), List.of(sent.get(1), sent.get(2)));
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        setUp();
        gpu.step(new GpuProtocol.Allocate(new Stamp(1, 1), "b0", MIB2, GTT_WC, gpu.replyTo()));
        gpu.events(1);

        gpu.assertResends(gpu.ref(), INCARNATION + 1, List.of(1L), List.of());
    }

    private StepDone setUp() {
        Peers peers = new Peers(kit.createTestProbe(KvmProtocol.Command.class).ref(), qemu.ref(), gpu.ref());
        return gpu.step(new NodeCommand.Setup(Runs.setup("run-1", gpu.traceDir(), peers), gpu.replyTo()));
    }
}
