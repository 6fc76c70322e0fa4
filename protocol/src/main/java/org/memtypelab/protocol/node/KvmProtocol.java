package org.memtypelab.protocol.node;

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
            permits InstallBlob,
                    RemoveBlob,
                    SetMemoryRegion,
                    GuestMap,
                    GuestCr0Cd,
                    GuestAccess,
                    NoncoherentDma,
                    StartDirtyLog {}

    /** QEMU installs a blob's memslot (its hostmem subregion, DOMAIN 5.2). */
    public record InstallBlob(Stamp stamp, BlobSlot blob, ActorRef<StepDone> replyTo) implements Step {}

    /** QEMU deletes a blob's memslot. */
    public record RemoveBlob(Stamp stamp, BlobSlot blob, ActorRef<StepDone> replyTo) implements Step {}

    /**
     * A raw KVM_SET_USER_MEMORY_REGION. {@code flags} is the ioctl's argument as a number on purpose: a scenario may
     * pass bits no flag names (and bit 2 means guest_memfd or, with the RFC, KVM_MEM_DMA), which KVM must judge.
     */
    public record SetMemoryRegion(
            Stamp stamp, int slot, int flags, long gpa, long size, HvaChoice hva, ActorRef<StepDone> replyTo)
            implements Step {}

    /**
     * The guest maps a blob with {@code pat}, or by rule: following map_info (rule 30), over a range whose guest MTRR
     * type is {@code mtrr} (WB unless the scenario says otherwise).
     */
    public record GuestMap(Stamp stamp, String buffer, MemTypeChoice pat, MemType mtrr, ActorRef<StepDone> replyTo)
            implements Step {

        /** A mapping over guest-MTRR WB memory. */
        public GuestMap(Stamp stamp, String buffer, MemTypeChoice pat, ActorRef<StepDone> replyTo) {
            this(stamp, buffer, pat, MemType.WB, replyTo);
        }
    }

    /** The guest sets or clears CR0.CD (rules 2, 6a, 11-13; DOMAIN 2.4). */
    public record GuestCr0Cd(Stamp stamp, boolean value, ActorRef<StepDone> replyTo) implements Step {}

    /** A guest CPU read or write. */
    public record GuestAccess(
            Stamp stamp, String buffer, boolean write, long offset, int value, ActorRef<StepDone> replyTo)
            implements Step {}

    /** A VFIO device without snoop control attaches or detaches (rule 16). */
    public record NoncoherentDma(Stamp stamp, boolean attach, ActorRef<StepDone> replyTo) implements Step {}

    /** The migration thread asks for dirty logging on a blob slot it will copy (rule 25). */
    public record StartDirtyLog(Stamp stamp, BlobSlot blob, ActorRef<StepDone> replyTo) implements Step {}
}
