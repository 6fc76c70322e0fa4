package org.memtypelab.protocol.node;

import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.protocol.CborSerializable;

/** Messages of qemu-node: dma-buf import, blob mapping, memslot walks, migration information (DOMAIN 5). */
public final class QemuProtocol {

    public static final ServiceKey<Command> QEMU_KEY = ServiceKey.create(Command.class, "qemu-node");

    private QemuProtocol() {}

    /** Everything qemu-node accepts. */
    public sealed interface Command extends CborSerializable permits NodeCommand.Control, Step, GetMigrationInfo {}

    /** The commands of scenario steps this node carries out. */
    public sealed interface Step extends Command, NodeCommand.Step
            permits ImportDmaBuf, MapBlob, UnmapBlob, WalkMemslots {}

    /** The GPU process passes a dma-buf fd (as a message) to QEMU. */
    public record ImportDmaBuf(Stamp stamp, DmaBuf dmaBuf, ActorRef<StepDone> replyTo) implements Step {}

    /** RESOURCE_MAP_BLOB at {@code gpa}, with memslot flags and a per-slot type or none (by rule). */
    public record MapBlob(
            Stamp stamp,
            String buffer,
            long gpa,
            Set<MemslotFlag> flags,
            MemTypeChoice memtype,
            ActorRef<StepDone> replyTo)
            implements Step {}

    /** RESOURCE_UNMAP_BLOB. */
    public record UnmapBlob(Stamp stamp, String buffer, ActorRef<StepDone> replyTo) implements Step {}

    /** A QEMU subsystem reading every memslot through its hva. */
    public record WalkMemslots(Stamp stamp, String by, ActorRef<StepDone> replyTo) implements Step {}

    /** The migration thread asks for blockers and the blobs it must copy. */
    public record GetMigrationInfo(Stamp stamp, MigrationPolicy policy, ActorRef<MigrationInfo> replyTo)
            implements Command {}

    /**
     * QEMU's blockers, why saving its device state will crash ({@code ""}: it will not), and the blob slots migration
     * reads through QEMU's mapping (rules 27-29, 32).
     */
    public record MigrationInfo(
            int step, List<String> blockers, List<BlobSlot> blobsToCopy, String saveCrash, long lamport)
            implements CborSerializable {

        /** An answer from a QEMU whose save does not crash. */
        public MigrationInfo(int step, List<String> blockers, List<BlobSlot> blobsToCopy, long lamport) {
            this(step, blockers, blobsToCopy, "", lamport);
        }
    }
}
