package org.memtypelab.gpu;

import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuProcessModel;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.GpuProtocol.Allocate;
import org.memtypelab.protocol.node.GpuProtocol.Export;
import org.memtypelab.protocol.node.GpuProtocol.GpuAccess;
import org.memtypelab.protocol.node.GpuProtocol.RendererAccess;
import org.memtypelab.protocol.node.GpuProtocol.SaveBlobs;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeActor;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeRun;
import org.memtypelab.runtime.NodeShell;

/** gpu-process-node: the vhost-user-gpu / virglrenderer process, a thin shell around {@link GpuProcessModel}. */
public final class GpuProcessNode extends NodeActor<GpuProtocol.Command> {

    public static final String NODE = "gpu-process-node";

    public static Behavior<GpuProtocol.Command> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return start(GpuProtocol.GPU_KEY, NODE, incarnation, monitor, GpuProcessNode::new);
    }

    private GpuProcessNode(NodeJournal journal, ActorRef<GpuProtocol.Command> self) {
        super(journal, self.narrow());
    }

    /** No run set up: every step is refused. */
    @Override
    protected Behavior<GpuProtocol.Command> idle() {
        return common(peers -> {})
                .onMessage(GpuProtocol.Step.class, control::refuse)
                .build();
    }

    /** A run's GPU process: every step is a call on the run's model. */
    private Behavior<GpuProtocol.Command> ready(NodeRun<GpuProcessModel> run) {
        GpuProcessModel model = run.model();
        return common(run::usePeers)
                .onMessage(
                        Allocate.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                "allocate " + m.buffer(),
                                m.replyTo(),
                                () -> model.allocate(m.buffer(), m.size(), m.profile())))
                .onMessage(Export.class, m -> onExport(run, m))
                .onMessage(
                        GpuAccess.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                m.write() ? "gpu-write" : "gpu-read",
                                m.replyTo(),
                                () -> model.gpuAccess(m.buffer(), m.write(), m.offset(), m.value())))
                .onMessage(
                        RendererAccess.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                m.write() ? "renderer-write" : "renderer-read",
                                m.replyTo(),
                                () -> model.rendererAccess(m.buffer(), m.write(), m.offset(), m.value())))
                .onMessage(
                        SaveBlobs.class,
                        m -> NodeShell.act(journal, m.stamp(), "save-blobs", m.replyTo(), model::saveExported))
                .build();
    }

    /**
     * What both states answer alike; a Setup (again) starts a fresh GPU process; new peers' references go to
     * {@code peers}.
     */
    private BehaviorBuilder<GpuProtocol.Command> common(Consumer<Peers> peers) {
        return life.signals(Behaviors.receive(GpuProtocol.Command.class))
                .onMessage(NodeCommand.Control.class, c -> control.answer(c, this::onSetup, peers));
    }

    private Behavior<GpuProtocol.Command> onSetup(NodeCommand.Setup m) {
        journal.start(m.setup());
        NodeRun<GpuProcessModel> run =
                new NodeRun<>(new GpuProcessModel(), m.setup().peers());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "fresh GPU process", 0));
        return life.become(() -> ready(run));
    }

    /** The dma-buf fd travels to QEMU as a message (DOMAIN rule 33); QEMU answers the step. */
    private Behavior<GpuProtocol.Command> onExport(NodeRun<GpuProcessModel> run, Export m) {
        if (journal.command(m.stamp(), "export " + m.buffer())) {
            return Behaviors.same();
        }
        Optional<DmaBuf> buf = run.model().export(m.buffer());
        if (buf.isEmpty()) {
            NodeShell.finish(
                    journal, m.stamp(), Outcome.failed("the GPU process has no buffer " + m.buffer()), m.replyTo());
            return Behaviors.same();
        }
        journal.decided(m.stamp().step(), "exported " + m.buffer() + " as a dma-buf");
        Stamp next = journal.sending(m.stamp().step(), "dma-buf " + m.buffer() + " to qemu-node");
        journal.send(
                run.peers().qemu(),
                "qemu-node",
                new QemuProtocol.ImportDmaBuf(next, buf.get(), m.replyTo()),
                next.step());
        return Behaviors.same();
    }
}
