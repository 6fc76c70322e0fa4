package org.memtypelab.lab.run;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.lab.scenario.Step;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.HvaChoice;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MemTypeChoice;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/** Which node plays a scenario step, and the protocol command that asks it to. */
final class StepCommands {

    /**
     * A step's command.
     *
     * @param migration a migration asks QEMU, KVM and the GPU process with their own retries: it gets more time
     */
    record Command(NodeRole role, String what, Function<ActorRef<StepDone>, Object> message, boolean migration) {}

    private StepCommands() {}

    /** A migration asks QEMU, KVM and the GPU process with their own retries: its attempts get more time. */
    static boolean migration(Step step) {
        return step instanceof Step.Migrate;
    }

    static Command of(Step step, Stamp s) {
        String what = step.kind().label();
        if (step instanceof Step.Allocate a) {
            return gpu(what, r -> new GpuProtocol.Allocate(s, a.buffer(), a.size(), a.profile(), r));
        } else if (step instanceof Step.Export e) {
            return gpu(what, r -> new GpuProtocol.Export(s, e.buffer(), r));
        } else if (step instanceof Step.MapBlob m) {
            Set<MemslotFlag> flags = m.flags().stream()
                    .map(f -> MemslotFlag.parse(f).orElseThrow())
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(MemslotFlag.class)));
            return qemu(
                    what,
                    r -> new QemuProtocol.MapBlob(s, m.buffer(), m.gpa(), flags, MemTypeChoice.of(m.memtype()), r));
        } else if (step instanceof Step.UnmapBlob u) {
            return qemu(what, r -> new QemuProtocol.UnmapBlob(s, u.buffer(), r));
        } else if (step instanceof Step.WalkMemslots w) {
            return qemu(what, r -> new QemuProtocol.WalkMemslots(s, w.by(), r));
        } else if (step instanceof Step.GuestMap g) {
            return kvm(what, r -> new KvmProtocol.GuestMap(s, g.buffer(), MemTypeChoice.of(g.pat()), g.mtrr(), r));
        } else if (step instanceof Step.GuestCr0Cd cd) {
            return kvm(what, r -> new KvmProtocol.GuestCr0Cd(s, cd.value(), r));
        } else if (step instanceof Step.SetMemoryRegion m) {
            return kvm(
                    what,
                    r -> new KvmProtocol.SetMemoryRegion(
                            s, (int) m.slot(), m.flags(), m.gpa(), m.size(), HvaChoice.of(m.hva()), r));
        } else if (step instanceof Step.NoncoherentDma d) {
            return kvm(what, r -> new KvmProtocol.NoncoherentDma(s, d.attached(), r));
        } else if (step instanceof Step.Access a) {
            return switch (a.kind()) {
                case GUEST_WRITE, GUEST_READ ->
                    kvm(what, r -> new KvmProtocol.GuestAccess(s, a.buffer(), a.write(), a.offset(), a.value(), r));
                case GPU_WRITE, GPU_READ ->
                    gpu(what, r -> new GpuProtocol.GpuAccess(s, a.buffer(), a.write(), a.offset(), a.value(), r));
                default ->
                    gpu(what, r -> new GpuProtocol.RendererAccess(s, a.buffer(), a.write(), a.offset(), a.value(), r));
            };
        } else if (migration(step)) {
            return new Command(NodeRole.MIGRATION, what, r -> new MigrationProtocol.Migrate(s, r), true);
        }
        throw new IllegalStateException("no node handles step kind " + step.kind());
    }

    private static Command gpu(String what, Function<ActorRef<StepDone>, Object> m) {
        return new Command(NodeRole.GPU_PROCESS, what, m, false);
    }

    private static Command qemu(String what, Function<ActorRef<StepDone>, Object> m) {
        return new Command(NodeRole.QEMU, what, m, false);
    }

    private static Command kvm(String what, Function<ActorRef<StepDone>, Object> m) {
        return new Command(NodeRole.KVM, what, m, false);
    }
}
