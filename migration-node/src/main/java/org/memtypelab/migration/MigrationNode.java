package org.memtypelab.migration;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MigrationProtocol.Migrate;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.protocol.trace.NodeJournal;

/**
 * migration-node: the live-migration thread. Asks QEMU for blockers, then copies blob pages through QEMU's mapping
 * (ram-copy, rule 29), or lets the GPU process save them (blob-as-gpu-state), or skips them (rule 28).
 */
public final class MigrationNode extends AbstractBehavior<Object> {

    public static final String NODE = "migration-node";
    private static final Duration ASK = Duration.ofSeconds(10);

    /** QEMU's answer for {@code run}; a new Setup may have ended that run before it arrived. */
    private record InfoArrived(Run run, QemuProtocol.MigrationInfo info, Throwable failure) {}

    /** KVM's or the GPU process's answer for {@code run}. */
    private record Answered(Run run, StepDone done, Throwable failure) {}

    /** The migration in flight. */
    private record Run(Migrate request, Deque<BlobSlot> toCopy, List<BlobSlot> copied) {}

    private final NodeJournal journal;
    private MigrationPolicy policy;
    private Peers peers;
    private Run run;

    public static Behavior<MigrationProtocol.Command> create(
            long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.<Object>setup(ctx -> new MigrationNode(ctx, incarnation, monitor))
                .narrow();
    }

    private MigrationNode(ActorContext<Object> ctx, long incarnation, ActorRef<MonitorProtocol.Command> monitor) {
        super(ctx);
        this.journal = new NodeJournal(NODE, incarnation, monitor);
        ActorRef<MigrationProtocol.Command> self = ctx.getSelf().narrow();
        ctx.getSystem().receptionist().tell(Receptionist.register(MigrationProtocol.MIGRATION_KEY, self));
    }

    @Override
    public Receive<Object> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeCommand.Setup.class, this::onSetup)
                .onMessage(NodeCommand.GetMark.class, m -> {
                    m.replyTo().tell(journal.mark(getContext().getSelf().narrow()));
                    return this;
                })
                .onMessage(NodeCommand.ResendTo.class, m -> {
                    journal.resend(m);
                    return this;
                })
                .onMessage(Migrate.class, this::onMigrate)
                .onMessage(InfoArrived.class, this::onInfo)
                .onMessage(Answered.class, this::onAnswered)
                .build();
    }

    private Behavior<Object> onSetup(NodeCommand.Setup m) {
        policy = m.setup().policy();
        peers = m.setup().peers();
        run = null;
        journal.start(m.setup());
        m.replyTo().tell(StepDone.of(new Stamp(0, 0), NODE, true, "migration policy " + policy.label(), 0));
        return this;
    }

    private Behavior<Object> onMigrate(Migrate m) {
        journal.received(m.stamp(), "migrate");
        if (policy == null || run != null) {
            m.replyTo()
                    .tell(finished(
                            m.stamp(),
                            MigrationOutcome.Status.FAILED,
                            policy == null ? "migration-node has no run set up" : "a migration is already running"));
            return this;
        }
        Run current = new Run(m, new ArrayDeque<>(), new ArrayList<>());
        run = current;
        Stamp s = journal.sending(m.stamp().step(), "migration-info to qemu-node");
        getContext()
                .ask(
                        QemuProtocol.MigrationInfo.class,
                        peers.qemu(),
                        ASK,
                        r -> new QemuProtocol.GetMigrationInfo(s, policy, r),
                        (info, failure) -> new InfoArrived(current, info, failure));
        return this;
    }

    private Behavior<Object> onInfo(InfoArrived a) {
        if (a.run() != run) {
            return this; // identity, not equals: the answer belongs to a migration a new Setup cut short
        }
        Stamp s = run.request().stamp();
        if (a.failure() != null) {
            return end(
                    MigrationOutcome.Status.FAILED,
                    "qemu-node did not answer: " + a.failure().getMessage());
        }
        journal.received(new Stamp(s.step(), a.info().lamport()), "migration-info");
        if (!a.info().blockers().isEmpty()) {
            // DOMAIN rule 27: any migration attempt fails while a blocker exists.
            return end(
                    MigrationOutcome.Status.BLOCKED, String.join("; ", a.info().blockers()));
        }
        if (policy == MigrationPolicy.BLOB_AS_GPU_STATE) {
            Stamp next = journal.sending(s.step(), "save-blobs to gpu-process-node");
            Run current = run;
            getContext()
                    .ask(
                            StepDone.class,
                            peers.gpu(),
                            ASK,
                            r -> new GpuProtocol.SaveBlobs(next, r),
                            (done, failure) -> new Answered(current, done, failure));
            return this;
        }
        run.toCopy().addAll(a.info().blobsToCopy());
        return copyNext();
    }

    /** Dirty logging on, then the blob's pages read through QEMU's mapping, one blob after the other. */
    private Behavior<Object> copyNext() {
        Stamp s = run.request().stamp();
        BlobSlot blob = run.toCopy().peek();
        if (blob == null) {
            List<Observation> gone = run.copied().stream()
                    .map(b -> (Observation) new Observation.MappingGone(b.buffer(), Who.MIGRATION))
                    .toList();
            journal.emit(s.step(), gone);
            String what = policy == MigrationPolicy.RAM_COPY
                    ? "copied " + run.copied().size() + " blob(s) through QEMU's mapping like RAM"
                    : "blob regions are not migratable RAM and were skipped (DOMAIN rule 28)";
            return end(MigrationOutcome.Status.COMPLETED, what);
        }
        Stamp next = journal.sending(s.step(), "start-dirty-log " + blob.buffer() + " to kvm-node");
        Run current = run;
        getContext()
                .ask(
                        StepDone.class,
                        peers.kvm(),
                        ASK,
                        r -> new KvmProtocol.StartDirtyLog(next, blob, r),
                        (done, failure) -> new Answered(current, done, failure));
        return this;
    }

    private Behavior<Object> onAnswered(Answered a) {
        if (a.run() != run) {
            return this; // as in onInfo
        }
        Stamp s = run.request().stamp();
        if (a.failure() != null || !a.done().ok()) {
            String why =
                    a.failure() != null ? a.failure().getMessage() : a.done().detail();
            return end(MigrationOutcome.Status.FAILED, why);
        }
        journal.received(new Stamp(s.step(), a.done().lamport()), a.done().node() + " done");
        if (policy == MigrationPolicy.BLOB_AS_GPU_STATE) {
            return end(MigrationOutcome.Status.COMPLETED, a.done().detail() + " (DOMAIN 9 option 7)");
        }
        BlobSlot blob = run.toCopy().poll();
        MappingType viaQemu = new MappingType.Cpu(blob.qemuType()); // DOMAIN rule 29
        journal.emit(
                s.step(),
                List.of(
                        new Observation.MappingSet(new Mapping(blob.buffer(), Who.MIGRATION, viaQemu, true)),
                        new Observation.Access(blob.buffer(), Who.MIGRATION, viaQemu, false, 0, 0)));
        run.copied().add(blob);
        return copyNext();
    }

    private Behavior<Object> end(MigrationOutcome.Status status, String reason) {
        Migrate m = run.request();
        run = null;
        journal.decided(m.stamp().step(), "migration " + status.label() + ": " + reason);
        m.replyTo().tell(finished(m.stamp(), status, reason));
        return this;
    }

    private StepDone finished(Stamp s, MigrationOutcome.Status status, String reason) {
        boolean ok = status != MigrationOutcome.Status.FAILED;
        return new StepDone(
                s.step(),
                NODE,
                ok,
                "migration " + status.label() + ": " + reason,
                "",
                new MigrationOutcome(status, reason),
                journal.lamport());
    }
}
