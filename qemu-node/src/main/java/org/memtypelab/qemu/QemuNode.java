package org.memtypelab.qemu;

import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.qemu.QemuModel;
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
import org.memtypelab.runtime.NodeActor;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeRun;
import org.memtypelab.runtime.NodeShell;

/** qemu-node: QEMU's virtio-gpu, a thin shell around {@link QemuModel}; memslots go on to kvm-node. */
public final class QemuNode extends NodeActor<QemuProtocol.Command> {

    public static final String NODE = "qemu-node";

    public static Behavior<QemuProtocol.Command> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return start(QemuProtocol.QEMU_KEY, NODE, incarnation, monitor, QemuNode::new);
    }

    private QemuNode(NodeJournal journal, ActorRef<QemuProtocol.Command> self) {
        super(journal, self.narrow());
    }

    /** No run set up: every step is refused; migration information names that as the blocker. */
    @Override
    protected Behavior<QemuProtocol.Command> idle() {
        return common(peers -> {})
                .onMessage(QemuProtocol.Step.class, control::refuse)
                .onMessage(
                        GetMigrationInfo.class,
                        m -> control.refuse(
                                m.stamp(),
                                m.replyTo(),
                                why -> new QemuProtocol.MigrationInfo(
                                        m.stamp().step(), List.of(why), List.of(), journal.lamport())))
                .build();
    }

    /** A run's QEMU: every step is a call on the run's model. */
    private Behavior<QemuProtocol.Command> ready(NodeRun<QemuModel> run) {
        QemuModel model = run.model();
        return common(run::usePeers)
                .onMessage(
                        ImportDmaBuf.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                "import-dmabuf " + m.dmaBuf().buffer(),
                                m.replyTo(),
                                () -> model.importDmaBuf(m.dmaBuf())))
                .onMessage(MapBlob.class, m -> onMapBlob(run, m))
                .onMessage(UnmapBlob.class, m -> onUnmapBlob(run, m))
                .onMessage(
                        WalkMemslots.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                "walk-memslots " + m.by(),
                                m.replyTo(),
                                () -> model.walkMemslots(m.by())))
                .onMessage(GetMigrationInfo.class, m -> onMigrationInfo(model, m))
                .build();
    }

    /** What both states answer alike; a Setup (again) starts a fresh QEMU; new peers' references go to {@code peers}. */
    private BehaviorBuilder<QemuProtocol.Command> common(Consumer<Peers> peers) {
        return life.signals(Behaviors.receive(QemuProtocol.Command.class))
                .onMessage(NodeCommand.Control.class, c -> control.answer(c, this::onSetup, peers));
    }

    private Behavior<QemuProtocol.Command> onSetup(NodeCommand.Setup m) {
        journal.start(m.setup());
        NodeRun<QemuModel> run =
                new NodeRun<>(new QemuModel(m.setup().qemu()), m.setup().peers());
        m.replyTo()
                .tell(StepDone.of(
                        new Stamp(0, 0), NODE, true, "QEMU " + m.setup().qemu().version(), 0));
        return life.become(() -> ready(run));
    }

    private Behavior<QemuProtocol.Command> onMapBlob(NodeRun<QemuModel> run, MapBlob m) {
        if (!journal.command(m.stamp(), "map-blob " + m.buffer())) {
            QemuModel.MapResult r = run.model()
                    .mapBlob(
                            m.buffer(),
                            m.gpa(),
                            MemslotFlag.bits(m.flags()),
                            m.memtype().given());
            forwardToKvm(run, m.stamp(), r, m.replyTo(), true);
        }
        return Behaviors.same();
    }

    private Behavior<QemuProtocol.Command> onUnmapBlob(NodeRun<QemuModel> run, UnmapBlob m) {
        if (!journal.command(m.stamp(), "unmap-blob " + m.buffer())) {
            forwardToKvm(run, m.stamp(), run.model().unmapBlob(m.buffer()), m.replyTo(), false);
        }
        return Behaviors.same();
    }

    /** QEMU's part is done; KVM answers the step with the ioctl's result (DOMAIN 5.2: the subregion's memslot). */
    private void forwardToKvm(
            NodeRun<QemuModel> run, Stamp s, QemuModel.MapResult r, ActorRef<StepDone> replyTo, boolean install) {
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
                run.peers().kvm(),
                "kvm-node",
                install
                        ? new KvmProtocol.InstallBlob(next, r.slot().get(), replyTo)
                        : new KvmProtocol.RemoveBlob(next, r.slot().get(), replyTo),
                s.step());
    }

    private Behavior<QemuProtocol.Command> onMigrationInfo(QemuModel model, GetMigrationInfo m) {
        if (journal.command(m.stamp(), "migration-info")) {
            return Behaviors.same();
        }
        var blockers = model.blockers(m.policy());
        var blobs = model.blobsReadByMigration(m.policy());
        String saveCrash = model.saveCrash().orElse(""); // DOMAIN rule 32: QEMU <= 8.1.2 with a 2D blob
        journal.decided(
                m.stamp().step(),
                "blockers " + blockers + ", blobs to copy " + blobs.size()
                        + (saveCrash.isEmpty() ? "" : ", the device-state save will crash: " + saveCrash));
        journal.send(
                m.replyTo(),
                m.stamp().from(),
                new QemuProtocol.MigrationInfo(m.stamp().step(), blockers, blobs, saveCrash, journal.lamport()),
                m.stamp().step());
        return Behaviors.same();
    }
}
