package org.memtypelab.protocol.node;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.protocol.CborSerializable;

/** Messages of kvm-node: memslot ioctls, guest mappings and accesses, non-coherent DMA (DOMAIN 2, 3). */
public final class KvmProtocol {

    public static final ServiceKey<Command> KVM_KEY = ServiceKey.create(Command.class, "kvm-node");

    private KvmProtocol() {}

    /** Everything kvm-node accepts. */
    public sealed interface Command extends CborSerializable permits NodeCommand.Control, Step {}

    /** The commands of scenario steps this node carries out. */
    public sealed interface Step extends Command, NodeCommand.Step
            permits InstallBlob, RemoveBlob, SetMemoryRegion, GuestMap, GuestAccess, NoncoherentDma, StartDirtyLog {}

    /** QEMU installs a blob's memslot (its hostmem subregion, DOMAIN 5.2). */
    public record InstallBlob(Stamp stamp, BlobSlot blob, ActorRef<StepDone> replyTo) implements Step {}

    /** QEMU deletes a blob's memslot. */
    public record RemoveBlob(Stamp stamp, BlobSlot blob, ActorRef<StepDone> replyTo) implements Step {}

    /** A raw KVM_SET_USER_MEMORY_REGION; {@code hva} empty keeps the slot's or picks a fresh one. */
    public record SetMemoryRegion(
            Stamp stamp, int slot, int flags, long gpa, long size, Optional<Long> hva, ActorRef<StepDone> replyTo)
            implements Step {}

    /** The guest maps a blob; {@code pat} empty follows map_info (rule 30). */
    public record GuestMap(Stamp stamp, String buffer, Optional<MemType> pat, ActorRef<StepDone> replyTo)
            implements Step {}

    /** A guest CPU read or write. */
    public record GuestAccess(
            Stamp stamp, String buffer, boolean write, long offset, int value, ActorRef<StepDone> replyTo)
            implements Step {}

    /** A VFIO device without snoop control attaches or detaches (rule 16). */
    public record NoncoherentDma(Stamp stamp, boolean attach, ActorRef<StepDone> replyTo) implements Step {}

    /** The migration thread asks for dirty logging on a blob slot it will copy (rule 25). */
    public record StartDirtyLog(Stamp stamp, BlobSlot blob, ActorRef<StepDone> replyTo) implements Step {}
}
