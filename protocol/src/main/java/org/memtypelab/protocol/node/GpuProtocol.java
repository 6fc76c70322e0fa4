package org.memtypelab.protocol.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.protocol.CborSerializable;

/** Messages of gpu-process-node: allocate, export, GPU and renderer accesses, saving blobs (DOMAIN 6). */
public final class GpuProtocol {

    public static final ServiceKey<Command> GPU_KEY = ServiceKey.create(Command.class, "gpu-process-node");

    private GpuProtocol() {}

    /** Everything gpu-process-node accepts. */
    public sealed interface Command extends CborSerializable permits NodeCommand.Control, Step {}

    /** The commands of scenario steps this node carries out. */
    public sealed interface Step extends Command, NodeCommand.Step
            permits Allocate, Export, GpuAccess, RendererAccess, SaveBlobs {}

    /** Allocates a buffer with these properties and maps it for the renderer. */
    public record Allocate(Stamp stamp, String buffer, long size, BufferProfile profile, ActorRef<StepDone> replyTo)
            implements Step {}

    /** Exports a buffer's dma-buf to QEMU; QEMU answers the step. */
    public record Export(Stamp stamp, String buffer, ActorRef<StepDone> replyTo) implements Step {}

    /** A GPU read or write (DMA). */
    public record GpuAccess(
            Stamp stamp, String buffer, boolean write, long offset, int value, ActorRef<StepDone> replyTo)
            implements Step {}

    /** A CPU read or write through the renderer's mapping. */
    public record RendererAccess(
            Stamp stamp, String buffer, boolean write, long offset, int value, ActorRef<StepDone> replyTo)
            implements Step {}

    /** Blob-as-GPU-state migration: save blob contents (DOMAIN 9 option 7). */
    public record SaveBlobs(Stamp stamp, ActorRef<StepDone> replyTo) implements Step {}
}
