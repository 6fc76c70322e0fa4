package org.memtypelab.gpu;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
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
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeControl;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeShell;

/** gpu-process-node: the vhost-user-gpu / virglrenderer process, a thin shell around {@link GpuProcessModel}. */
public final class GpuProcessNode extends AbstractBehavior<GpuProtocol.Command> {

    public static final String NODE = "gpu-process-node";

    private final NodeJournal journal;
    private final NodeControl control;
    private GpuProcessModel model;
    private Peers peers;

    public static Behavior<GpuProtocol.Command> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.setup(ctx -> new GpuProcessNode(ctx, incarnation, monitor));
    }

    private GpuProcessNode(
            ActorContext<GpuProtocol.Command> ctx, long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        super(ctx);
        this.journal =
                new NodeJournal(NODE, incarnation, monitor, ctx.getSystem().scheduler(), ctx.getExecutionContext());
        this.control = new NodeControl(NODE, journal, ctx.getSelf().narrow(), p -> peers = p);
        ctx.getSystem().receptionist().tell(Receptionist.register(GpuProtocol.GPU_KEY, ctx.getSelf()));
    }

    @Override
    public Receive<GpuProtocol.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeCommand.Setup.class, this::onSetup)
                .onMessage(NodeCommand.GetMark.class, control::mark)
                .onMessage(NodeCommand.ResendTo.class, control::resend)
                .onMessage(NodeCommand.NewPeers.class, control::newPeers)
                .onMessage(Arm.class, control::arm)
                .onMessage(
                        Allocate.class,
                        m -> act(
                                m.stamp(),
                                "allocate " + m.buffer(),
                                m.replyTo(),
                                () -> model.allocate(m.buffer(), m.size(), m.profile())))
                .onMessage(Export.class, this::onExport)
                .onMessage(
                        GpuAccess.class,
                        m -> act(
                                m.stamp(),
                                m.write() ? "gpu-write" : "gpu-read",
                                m.replyTo(),
                                () -> model.gpuAccess(m.buffer(), m.write(), m.offset(), m.value())))
                .onMessage(
                        RendererAccess.class,
                        m -> act(
                                m.stamp(),
                                m.write() ? "renderer-write" : "renderer-read",
                                m.replyTo(),
                                () -> model.rendererAccess(m.buffer(), m.write(), m.offset(), m.value())))
                .onMessage(
                        SaveBlobs.class,
                        // a lambda, not model::saveExported: that dereferences model before act() checks it
                        m -> act(m.stamp(), "save-blobs", m.replyTo(), () -> model.saveExported()))
                .build();
    }

    private Behavior<GpuProtocol.Command> onSetup(NodeCommand.Setup m) {
        model = new GpuProcessModel();
        peers = m.setup().peers();
        journal.start(m.setup());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "fresh GPU process", 0));
        return this;
    }

    private Behavior<GpuProtocol.Command> act(
            Stamp s, String what, ActorRef<StepDone> replyTo, java.util.function.Supplier<Outcome> op) {
        if (journal.command(s, what)) {
            return this;
        }
        if (model == null) {
            replyTo.tell(StepDone.of(s, NODE, false, "gpu-process-node has no run set up", journal.lamport()));
            return this;
        }
        NodeShell.finish(journal, s, op.get(), replyTo);
        return this;
    }

    /** The dma-buf fd travels to QEMU as a message (DOMAIN rule 33); QEMU answers the step. */
    private Behavior<GpuProtocol.Command> onExport(Export m) {
        if (journal.command(m.stamp(), "export " + m.buffer())) {
            return this;
        }
        java.util.Optional<DmaBuf> buf = model == null ? java.util.Optional.empty() : model.export(m.buffer());
        if (buf.isEmpty()) {
            NodeShell.finish(
                    journal, m.stamp(), Outcome.failed("the GPU process has no buffer " + m.buffer()), m.replyTo());
            return this;
        }
        journal.decided(m.stamp().step(), "exported " + m.buffer() + " as a dma-buf");
        Stamp next = journal.sending(m.stamp().step(), "dma-buf " + m.buffer() + " to qemu-node");
        journal.send(
                peers.qemu(), "qemu-node", new QemuProtocol.ImportDmaBuf(next, buf.get(), m.replyTo()), next.step());
        return this;
    }
}
