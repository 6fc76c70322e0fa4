package org.memtypelab.gpu;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuProcessModel;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.GpuProtocol.Allocate;
import org.memtypelab.protocol.node.GpuProtocol.Export;
import org.memtypelab.protocol.node.GpuProtocol.GpuAccess;
import org.memtypelab.protocol.node.GpuProtocol.RendererAccess;
import org.memtypelab.protocol.node.GpuProtocol.SaveBlobs;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeControl;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeLife;
import org.memtypelab.runtime.NodeRun;
import org.memtypelab.runtime.NodeShell;

/** gpu-process-node: the vhost-user-gpu / virglrenderer process, a thin shell around {@link GpuProcessModel}. */
public final class GpuProcessNode {

    public static final String NODE = "gpu-process-node";

    private final NodeJournal journal;
    private final NodeControl control;
    private final NodeLife<GpuProtocol.Command> life;

    public static Behavior<GpuProtocol.Command> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(GpuProtocol.GPU_KEY, ctx.getSelf()));
            NodeJournal journal = NodeJournal.of(NODE, incarnation, monitor, ctx);
            return new GpuProcessNode(journal, ctx.getSelf().narrow()).life.supervised();
        });
    }

    private GpuProcessNode(NodeJournal journal, ActorRef<NodeCommand.ResendTo> self) {
        this.journal = journal;
        this.control = new NodeControl(NODE, journal, self);
        this.life = new NodeLife<>(journal, this::idle);
    }

    /** No run set up: every step is refused. */
    private Behavior<GpuProtocol.Command> idle() {
        return common().onMessage(NodeCommand.NewPeers.class, control::newPeers)
                .onMessage(GpuProtocol.Step.class, control::refuse)
                .build();
    }

    /** A run's GPU process: every step is a call on the run's model. */
    private Behavior<GpuProtocol.Command> ready(NodeRun<GpuProcessModel> run) {
        GpuProcessModel model = run.model();
        return common().onMessage(NodeCommand.NewPeers.class, m -> control.newPeers(m, run::usePeers))
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

    /** What both states answer alike; a Setup (again) starts a fresh GPU process. */
    private BehaviorBuilder<GpuProtocol.Command> common() {
        return life.signals(Behaviors.receive(GpuProtocol.Command.class))
                .onMessage(NodeCommand.Setup.class, this::onSetup)
                .onMessage(NodeCommand.GetMark.class, control::mark)
                .onMessage(NodeCommand.ResendTo.class, control::resend)
                .onMessage(Arm.class, control::arm);
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
