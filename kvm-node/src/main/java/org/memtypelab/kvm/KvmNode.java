package org.memtypelab.kvm;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.kvm.KvmModel;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.KvmProtocol.GuestAccess;
import org.memtypelab.protocol.node.KvmProtocol.GuestMap;
import org.memtypelab.protocol.node.KvmProtocol.InstallBlob;
import org.memtypelab.protocol.node.KvmProtocol.NoncoherentDma;
import org.memtypelab.protocol.node.KvmProtocol.RemoveBlob;
import org.memtypelab.protocol.node.KvmProtocol.SetMemoryRegion;
import org.memtypelab.protocol.node.KvmProtocol.StartDirtyLog;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeControl;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeShell;

/** kvm-node: one VM in KVM, a thin shell around {@link KvmModel}. */
public final class KvmNode extends AbstractBehavior<KvmProtocol.Command> {

    public static final String NODE = "kvm-node";

    private final NodeJournal journal;
    private final NodeControl control;
    private KvmModel model;

    public static Behavior<KvmProtocol.Command> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.setup(ctx -> new KvmNode(ctx, incarnation, monitor));
    }

    private KvmNode(
            ActorContext<KvmProtocol.Command> ctx, long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        super(ctx);
        this.journal =
                new NodeJournal(NODE, incarnation, monitor, ctx.getSystem().scheduler(), ctx.getExecutionContext());
        this.control = new NodeControl(NODE, journal, ctx.getSelf().narrow(), p -> {});
        ctx.getSystem().receptionist().tell(Receptionist.register(KvmProtocol.KVM_KEY, ctx.getSelf()));
    }

    @Override
    public Receive<KvmProtocol.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeCommand.Setup.class, this::onSetup)
                .onMessage(NodeCommand.GetMark.class, control::mark)
                .onMessage(NodeCommand.ResendTo.class, control::resend)
                .onMessage(NodeCommand.NewPeers.class, control::newPeers)
                .onMessage(Arm.class, control::arm)
                .onMessage(
                        InstallBlob.class,
                        m -> ioctl(
                                m.stamp(),
                                "install-blob " + m.blob().buffer(),
                                m.replyTo(),
                                () -> model.installBlob(m.blob())))
                .onMessage(
                        RemoveBlob.class,
                        m -> ioctl(
                                m.stamp(),
                                "remove-blob " + m.blob().buffer(),
                                m.replyTo(),
                                () -> model.removeBlob(m.blob())))
                .onMessage(
                        SetMemoryRegion.class,
                        m -> ioctl(
                                m.stamp(),
                                "set-memory-region",
                                m.replyTo(),
                                () -> model.setMemoryRegion(m.slot(), m.flags(), m.gpa(), m.size(), m.hva())))
                .onMessage(
                        GuestMap.class,
                        m -> act(
                                m.stamp(),
                                "guest-map " + m.buffer(),
                                m.replyTo(),
                                () -> model.guestMap(m.buffer(), m.pat())))
                .onMessage(
                        GuestAccess.class,
                        m -> act(
                                m.stamp(),
                                m.write() ? "guest-write" : "guest-read",
                                m.replyTo(),
                                () -> model.guestAccess(m.buffer(), m.write(), m.offset(), m.value())))
                .onMessage(
                        NoncoherentDma.class,
                        m -> act(m.stamp(), "noncoherent-dma", m.replyTo(), () -> model.noncoherentDma(m.attach())))
                .onMessage(
                        StartDirtyLog.class,
                        m -> act(
                                m.stamp(),
                                "start-dirty-log " + m.blob().buffer(),
                                m.replyTo(),
                                () -> model.startDirtyLog(m.blob())))
                .build();
    }

    private Behavior<KvmProtocol.Command> onSetup(NodeCommand.Setup m) {
        model = new KvmModel(m.setup().platform());
        journal.start(m.setup());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "fresh VM", journal.lamport()));
        return this;
    }

    private Behavior<KvmProtocol.Command> act(
            Stamp s, String what, ActorRef<StepDone> replyTo, java.util.function.Supplier<Outcome> op) {
        if (journal.command(s, what)) {
            return this;
        }
        if (model == null) {
            replyTo.tell(StepDone.of(s, NODE, false, "kvm-node has no run set up", journal.lamport()));
            return this;
        }
        NodeShell.finish(journal, s, op.get(), replyTo);
        return this;
    }

    private Behavior<KvmProtocol.Command> ioctl(
            Stamp s, String what, ActorRef<StepDone> replyTo, java.util.function.Supplier<KvmModel.SetOutcome> op) {
        if (journal.command(s, what)) {
            return this;
        }
        if (model == null) {
            replyTo.tell(StepDone.of(s, NODE, false, "kvm-node has no run set up", journal.lamport()));
            return this;
        }
        KvmModel.SetOutcome out = op.get();
        NodeShell.finish(journal, s, out.outcome(), out.result().answer(), replyTo);
        return this;
    }
}
