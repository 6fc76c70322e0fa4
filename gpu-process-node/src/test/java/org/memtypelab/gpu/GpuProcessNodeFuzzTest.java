package org.memtypelab.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.Blobs.MIB2;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.gpu.GpuProcessModel;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.Hostile;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.NodeUnderTest;
import org.memtypelab.runtime.testkit.Runs;
import org.memtypelab.runtime.testkit.TraceFiles;
import org.memtypelab.runtime.testkit.WireFuzz;

/** gpu-process-node under hostile input: every invalid message is dropped and traced, its buffers stay as they were. */
class GpuProcessNodeFuzzTest {

    private static final long INCARNATION = 4;
    private static final int MESSAGES = 2_000;
    private static final int BYTE_STRINGS = 1_000;

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    @Test
    void hostileMessagesAndBytesAreDroppedAndTracedAndLeaveTheBuffersAsTheyWere() {
        String run = "fuzz-1";
        TestProbe<QemuProtocol.Command> qemu = kit.createTestProbe(QemuProtocol.Command.class);
        NodeUnderTest<GpuProtocol.Command> gpu =
                kit.spawnNode(GpuProcessNode.NODE, INCARNATION, GpuProcessNode::create);
        gpu.step(new NodeCommand.Setup(
                Runs.setup(run, gpu.traceDir(), new Peers(null, qemu.ref(), null)), gpu.replyTo()));
        List<GpuProtocol.Command> valid = List.of(
                new GpuProtocol.Allocate(stamp(1, run), "b0", MIB2, Hostile.goodProfile(), gpu.replyTo()),
                new GpuProtocol.RendererAccess(stamp(2, run), "b0", true, 64, 0xab, gpu.replyTo()));
        List<StepDone> answers = valid.stream().map(gpu::step).toList();
        NodeMark before = kit.mark(gpu.ref());
        List<Event> events = gpu.events((int) before.lastSeq());

        TestProbe<StepDone> hostileReplies = kit.createTestProbe(StepDone.class);
        TestProbe<MonitorProtocol.Command> sink = kit.createTestProbe(MonitorProtocol.Command.class);
        Hostile hostile = new Hostile(20261204L, run, INCARNATION, sink.ref());
        for (int i = 0; i < MESSAGES; i++) {
            gpu.tell(hostile.gpu(hostileReplies.ref()));
        }
        WireFuzz wire = new WireFuzz(kit.system(), 13L);
        Stamp s = stamp(1, run);
        List<Object> read = wire.read(
                List.of(
                        new GpuProtocol.Allocate(s, "b0", MIB2, Hostile.goodProfile(), gpu.replyTo()),
                        new GpuProtocol.Export(s, "b0", gpu.replyTo()),
                        new GpuProtocol.GpuAccess(s, "b0", true, 1, 1, gpu.replyTo()),
                        new GpuProtocol.RendererAccess(s, "b0", true, 1, 1, gpu.replyTo()),
                        new GpuProtocol.SaveBlobs(s, gpu.replyTo())),
                BYTE_STRINGS);
        @SuppressWarnings("unchecked")
        ActorRef<Object> raw = (ActorRef<Object>) (ActorRef<?>) gpu.ref();
        read.forEach(raw::tell);
        valid.forEach(gpu::tell); // legal: repeats are answered again without acting
        assertThat(gpu.reply().receiveSeveralMessages(valid.size())).containsExactlyElementsOf(answers);
        StepDone unknown = gpu.step(new GpuProtocol.GpuAccess(stamp(3, run), "zz", false, 0, 0, gpu.replyTo()));

        assertThat(unknown.ok()).isFalse();
        assertThat(kit.mark(gpu.ref())).isEqualTo(before);
        assertThat(TraceFiles.ofKind(gpu.trace(), "rejected")).hasSize(MESSAGES + read.size());
        assertThat(wire.failed() + wire.nulls() + read.size()).isEqualTo(BYTE_STRINGS);

        GpuProcessModel oracle = new GpuProcessModel();
        oracle.allocate("b0", MIB2, Hostile.goodProfile());
        oracle.rendererAccess("b0", true, 64, 0xab);
        Outcome expected = oracle.rendererAccess("b0", false, 64, 0);
        StepDone reread = gpu.step(new GpuProtocol.RendererAccess(stamp(4, run), "b0", false, 64, 0, gpu.replyTo()));
        assertThat(reread.ok()).isEqualTo(expected.ok());
        assertThat(reread.detail()).isEqualTo(expected.detail());
        assertThat(gpu.events(expected.observations().size()))
                .extracting(Event::observation)
                .containsExactlyElementsOf(expected.observations());
        assertThat(events).isNotEmpty();
        hostileReplies.expectNoMessage(QUIET);
        sink.expectNoMessage(QUIET);
        qemu.expectNoMessage(QUIET);
        gpu.monitor().expectNoMessage(QUIET);
    }

    private static Stamp stamp(int step, String run) {
        return new Stamp(step, step, "conductor", run);
    }
}
