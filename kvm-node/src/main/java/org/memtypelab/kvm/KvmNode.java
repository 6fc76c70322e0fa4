package org.memtypelab.kvm;

import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.kvm.KvmModel;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.protocol.node.IoctlAnswer;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.KvmProtocol.GuestAccess;
import org.memtypelab.protocol.node.KvmProtocol.GuestCr0Cd;
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
import org.memtypelab.runtime.NodeActor;
import org.memtypelab.runtime.NodeJournal;
import org.memtypelab.runtime.NodeShell;

/** kvm-node: one VM in KVM, a thin shell around {@link KvmModel}: idle until a run is set up, then ready. */
public final class KvmNode extends NodeActor<KvmProtocol.Command> {

    public static final String NODE = "kvm-node";

    public static Behavior<KvmProtocol.Command> create(long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return start(KvmProtocol.KVM_KEY, NODE, incarnation, monitor, KvmNode::new);
    }

    private KvmNode(NodeJournal journal, ActorRef<KvmProtocol.Command> self) {
        super(journal, self.narrow());
    }

    /** No run set up: every step is refused. */
    @Override
    protected Behavior<KvmProtocol.Command> idle() {
        return common().onMessage(KvmProtocol.Step.class, control::refuse).build();
    }

    /** A run's VM: every step is a call on {@code model}. */
    private Behavior<KvmProtocol.Command> ready(KvmModel model) {
        return common().onMessage(
                        InstallBlob.class,
                        m -> blob(
                                m.stamp(),
                                "install-blob",
                                m.blob(),
                                m.replyTo(),
                                () -> model.addGuestRamBlob(m.blob()),
                                () -> model.installBlob(m.blob())))
                .onMessage(
                        RemoveBlob.class,
                        m -> blob(
                                m.stamp(),
                                "remove-blob",
                                m.blob(),
                                m.replyTo(),
                                () -> model.dropGuestRamBlob(m.blob()),
                                () -> model.removeBlob(m.blob())))
                .onMessage(
                        SetMemoryRegion.class,
                        m -> ioctl(
                                m.stamp(),
                                "set-memory-region",
                                m.replyTo(),
                                () -> model.setMemoryRegion(
                                        m.slot(),
                                        m.flags(),
                                        m.gpa(),
                                        m.size(),
                                        m.hva().given())))
                .onMessage(
                        GuestMap.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                "guest-map " + m.buffer(),
                                m.replyTo(),
                                () -> model.guestMap(m.buffer(), m.pat().given(), m.mtrr())))
                .onMessage(
                        GuestCr0Cd.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                "guest-cr0-cd " + m.value(),
                                m.replyTo(),
                                () -> model.guestCr0Cd(m.value())))
                .onMessage(GuestAccess.class, m -> guestAccess(model, m))
                .onMessage(
                        NoncoherentDma.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                "noncoherent-dma",
                                m.replyTo(),
                                () -> model.noncoherentDma(m.attach())))
                .onMessage(
                        StartDirtyLog.class,
                        m -> NodeShell.act(
                                journal,
                                m.stamp(),
                                "start-dirty-log " + m.blob().buffer(),
                                m.replyTo(),
                                () -> model.startDirtyLog(m.blob())))
                .build();
    }

    /** What both states answer alike; a Setup (again) starts a fresh VM; kvm-node talks to no peers. */
    private BehaviorBuilder<KvmProtocol.Command> common() {
        return life.signals(Behaviors.receive(KvmProtocol.Command.class))
                .onMessage(NodeCommand.Control.class, c -> control.answer(c, this::onSetup, peers -> {}));
    }

    private Behavior<KvmProtocol.Command> onSetup(NodeCommand.Setup m) {
        journal.start(m.setup());
        KvmModel model = new KvmModel(m.setup().platform());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "fresh VM", journal.lamport()));
        return life.become(() -> ready(model));
    }

    /** A blob's slot: a memslot ioctl, or none for a 2D blob, which is guest RAM already (DOMAIN rule 32). */
    private Behavior<KvmProtocol.Command> blob(
            Stamp s,
            String what,
            BlobSlot blob,
            ActorRef<StepDone> replyTo,
            Supplier<Outcome> guestRam,
            Supplier<KvmModel.SetOutcome> memslot) {
        String step = what + " " + blob.buffer();
        return blob.guestRam() ? NodeShell.act(journal, s, step, replyTo, guestRam) : ioctl(s, step, replyTo, memslot);
    }

    private Behavior<KvmProtocol.Command> ioctl(
            Stamp s, String what, ActorRef<StepDone> replyTo, Supplier<KvmModel.SetOutcome> op) {
        if (!journal.command(s, what)) {
            KvmModel.SetOutcome out = op.get();
            NodeShell.finish(journal, s, out.outcome(), IoctlAnswer.of(out.result()), replyTo);
        }
        return Behaviors.same();
    }

    /** A guest access is a KVM_RUN: it returns EFAULT where KVM cannot map the page (rule 28a), else no errno. */
    private Behavior<KvmProtocol.Command> guestAccess(KvmModel model, GuestAccess m) {
        Stamp s = m.stamp();
        if (!journal.command(s, m.write() ? "guest-write" : "guest-read")) {
            KvmModel.RunOutcome out = model.guestAccess(m.buffer(), m.write(), m.offset(), m.value());
            IoctlAnswer errno =
                    out.errno().<IoctlAnswer>map(IoctlAnswer.Failed::new).orElse(new IoctlAnswer.NoIoctl());
            NodeShell.finish(journal, s, out.outcome(), errno, m.replyTo());
        }
        return Behaviors.same();
    }
}
