package org.memtypelab.qemu;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.qemu.QemuModel;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.QemuProtocol.GetMigrationInfo;
import org.memtypelab.protocol.node.QemuProtocol.ImportDmaBuf;
import org.memtypelab.protocol.node.QemuProtocol.MapBlob;
import org.memtypelab.protocol.node.QemuProtocol.UnmapBlob;
import org.memtypelab.protocol.node.QemuProtocol.WalkMemslots;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.NodeControl;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeShell;

/** qemu-node: QEMU's virtio-gpu, a thin shell around {@link QemuModel}; memslots go on to kvm-node. */
public final class QemuNode extends AbstractBehavior<QemuProtocol.Command> {

    public static final String NODE = "qemu-node";

    private final NodeJournal journal;
    private final NodeControl control;
    private QemuModel model;
    private Peers peers;

    public static Behavior<QemuProtocol.Command> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.setup(ctx -> new QemuNode(ctx, incarnation, monitor));
    }

    private QemuNode(
            ActorContext<QemuProtocol.Command> ctx, long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        super(ctx);
        this.journal =
                new NodeJournal(NODE, incarnation, monitor, ctx.getSystem().scheduler(), ctx.getExecutionContext());
        this.control = new NodeControl(NODE, journal, ctx.getSelf().narrow(), p -> peers = p);
        ctx.getSystem().receptionist().tell(Receptionist.register(QemuProtocol.QEMU_KEY, ctx.getSelf()));
    }

    @Override
    public Receive<QemuProtocol.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeCommand.Setup.class, this::onSetup)
                .onMessage(NodeCommand.GetMark.class, control::mark)
                .onMessage(NodeCommand.ResendTo.class, control::resend)
                .onMessage(NodeCommand.NewPeers.class, control::newPeers)
                .onMessage(Arm.class, control::arm)
                .onMessage(ImportDmaBuf.class, this::onImport)
                .onMessage(MapBlob.class, this::onMapBlob)
                .onMessage(UnmapBlob.class, this::onUnmapBlob)
                .onMessage(WalkMemslots.class, this::onWalk)
                .onMessage(GetMigrationInfo.class, this::onMigrationInfo)
                .build();
    }

    private Behavior<QemuProtocol.Command> onSetup(NodeCommand.Setup m) {
        model = new QemuModel(m.setup().qemu());
        peers = m.setup().peers();
        journal.start(m.setup());
        m.replyTo()
                .tell(StepDone.of(
                        new Stamp(0, 0), NODE, true, "QEMU " + m.setup().qemu().version(), 0));
        return this;
    }

    /** False if the command must not run: a duplicate (already answered again) or no run set up. */
    private boolean ready(Stamp s, String what, ActorRef<StepDone> replyTo) {
        if (journal.command(s, what)) {
            return false;
        }
        if (model == null) {
            replyTo.tell(StepDone.of(s, NODE, false, "qemu-node has no run set up", journal.lamport()));
        }
        return model != null;
    }

    private Behavior<QemuProtocol.Command> onImport(ImportDmaBuf m) {
        if (ready(m.stamp(), "import-dmabuf " + m.dmaBuf().buffer(), m.replyTo())) {
            NodeShell.finish(journal, m.stamp(), model.importDmaBuf(m.dmaBuf()), m.replyTo());
        }
        return this;
    }

    private Behavior<QemuProtocol.Command> onMapBlob(MapBlob m) {
        if (!ready(m.stamp(), "map-blob " + m.buffer(), m.replyTo())) {
            return this;
        }
        QemuModel.MapResult r = model.mapBlob(m.buffer(), m.gpa(), m.flags(), m.memtype());
        forwardToKvm(m.stamp(), r, m.replyTo(), true);
        return this;
    }

    private Behavior<QemuProtocol.Command> onUnmapBlob(UnmapBlob m) {
        if (!ready(m.stamp(), "unmap-blob " + m.buffer(), m.replyTo())) {
            return this;
        }
        forwardToKvm(m.stamp(), model.unmapBlob(m.buffer()), m.replyTo(), false);
        return this;
    }

    /** QEMU's part is done; KVM answers the step with the ioctl's result (DOMAIN 5.2: the subregion's memslot). */
    private void forwardToKvm(Stamp s, QemuModel.MapResult r, ActorRef<StepDone> replyTo, boolean install) {
        Outcome o = r.outcome();
        if (r.slot().isEmpty()) {
            NodeShell.finish(journal, s, o, replyTo);
            return;
        }
        journal.decided(s.step(), o.detail());
        journal.emit(s.step(), o.observations());
        Stamp next = journal.sending(
                s.step(),
                (install ? "install-blob " : "remove-blob ") + r.slot().get().buffer());
        journal.send(
                peers.kvm(),
                "kvm-node",
                install
                        ? new KvmProtocol.InstallBlob(next, r.slot().get(), replyTo)
                        : new KvmProtocol.RemoveBlob(next, r.slot().get(), replyTo),
                s.step());
    }

    private Behavior<QemuProtocol.Command> onWalk(WalkMemslots m) {
        if (ready(m.stamp(), "walk-memslots " + m.by(), m.replyTo())) {
            NodeShell.finish(journal, m.stamp(), model.walkMemslots(m.by()), m.replyTo());
        }
        return this;
    }

    private Behavior<QemuProtocol.Command> onMigrationInfo(GetMigrationInfo m) {
        if (journal.command(m.stamp(), "migration-info")) {
            return this;
        }
        if (model == null) {
            m.replyTo()
                    .tell(new QemuProtocol.MigrationInfo(
                            m.stamp().step(),
                            java.util.List.of("qemu-node has no run set up"),
                            java.util.List.of(),
                            journal.lamport()));
            return this;
        }
        var blockers = model.blockers(m.policy());
        var blobs = model.blobsReadByMigration(m.policy());
        journal.decided(m.stamp().step(), "blockers " + blockers + ", blobs to copy " + blobs.size());
        journal.send(
                m.replyTo(),
                m.stamp().from(),
                new QemuProtocol.MigrationInfo(m.stamp().step(), blockers, blobs, journal.lamport()),
                m.stamp().step());
        return this;
    }
}
