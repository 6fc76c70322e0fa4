package org.memtypelab.lab.scenario;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memtype.MemType;

/** One step the conductor executes, in file order; {@link #kind()} is its YAML key (SCENARIOS.md, steps). */
public sealed interface Step
        permits Step.BufferStep,
                Step.SetMemoryRegion,
                Step.WalkMemslots,
                Step.Migrate,
                Step.NoncoherentDma,
                Step.GuestCr0Cd {

    StepKind kind();

    /** A step about one buffer, named by the {@code allocate} step that created it. */
    sealed interface BufferStep extends Step permits Allocate, Export, MapBlob, GuestMap, UnmapBlob, Access {
        String buffer();
    }

    /** A step that reads or writes one byte of a buffer at an offset. */

    /**
     * The GPU process allocates a buffer, from a driver placement or with explicitly stated properties.
     *
     * @param placement the placement the profile came from, empty when the properties were stated directly
     */
    record Allocate(String buffer, long size, BufferProfile profile, Optional<Placement> placement)
            implements BufferStep {
        public Allocate {
            requireBuffer(buffer);
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(placement, "placement");
            if (size <= 0) {
                throw new IllegalArgumentException("size must be positive: " + size);
            }
        }

        @Override
        public StepKind kind() {
            return StepKind.ALLOCATE;
        }
    }

    /** The GPU process exports the buffer as a dma-buf fd to QEMU. */
    record Export(String buffer) implements BufferStep {
        public Export {
            requireBuffer(buffer);
        }

        @Override
        public StepKind kind() {
            return StepKind.EXPORT;
        }
    }

    /**
     * QEMU maps the blob at a guest physical address: a memslot plus the guest's mapping.
     *
     * @param flags memslot flag names, each the {@link MemslotFlag#yamlName()} of a flag (DOMAIN rule 19;
     *     {@code kvm-mem-dma} is the RFC's reuse of bit 2, DOMAIN 4.1)
     * @param memtype the per-slot forced type (design patch {@code +slot-memtype}), EPT-valid
     */
    record MapBlob(String buffer, long gpa, List<String> flags, Optional<MemType> memtype) implements BufferStep {
        public MapBlob {
            requireBuffer(buffer);
            flags = List.copyOf(flags);
            Objects.requireNonNull(memtype, "memtype");
            for (String f : flags) {
                if (MemslotFlag.parse(f).filter(m -> m.yamlName().equals(f)).isEmpty()) {
                    throw new IllegalArgumentException("unknown memslot flag " + f);
                }
            }
        }

        @Override
        public StepKind kind() {
            return StepKind.MAP_BLOB;
        }
    }

    /**
     * The guest maps the blob; without {@code pat} it follows map_info (DOMAIN rules 30, 31). {@code mtrr} is the guest
     * MTRR type of the range (default WB), which KVM honours only where rules 11-12 say.
     */
    record GuestMap(String buffer, Optional<MemType> pat, MemType mtrr) implements BufferStep {
        public GuestMap {
            requireBuffer(buffer);
            Objects.requireNonNull(pat, "pat");
            Objects.requireNonNull(mtrr, "mtrr");
        }

        /** A mapping over guest-MTRR WB memory. */
        public GuestMap(String buffer, Optional<MemType> pat) {
            this(buffer, pat, MemType.WB);
        }

        @Override
        public StepKind kind() {
            return StepKind.GUEST_MAP;
        }
    }

    /**
     * One byte read or written by the guest CPU, the GPU by DMA, or the GPU process through its CPU mapping: the step
     * kinds {@code guest-write}, {@code guest-read}, {@code gpu-write}, {@code gpu-read}, {@code renderer-write},
     * {@code renderer-read}.
     *
     * @param value the byte written; 0 for a read
     */
    record Access(StepKind kind, String buffer, long offset, int value) implements BufferStep {

        /** The step kinds that are accesses, writes first. */
        public static final Set<StepKind> WRITES =
                EnumSet.of(StepKind.GUEST_WRITE, StepKind.GPU_WRITE, StepKind.RENDERER_WRITE);

        public static final Set<StepKind> READS =
                EnumSet.of(StepKind.GUEST_READ, StepKind.GPU_READ, StepKind.RENDERER_READ);

        public Access {
            Objects.requireNonNull(kind, "kind");
            if (!WRITES.contains(kind) && !READS.contains(kind)) {
                throw new IllegalArgumentException(kind.label() + " is not an access step");
            }
            requireBuffer(buffer);
            if (offset < 0 || value < 0 || value > 255 || (READS.contains(kind) && value != 0)) {
                throw new IllegalArgumentException("offset " + offset + " or byte value " + value + " out of range");
            }
        }

        /** A read: no value. */
        public Access(StepKind kind, String buffer, long offset) {
            this(kind, buffer, offset, 0);
        }

        public boolean write() {
            return WRITES.contains(kind);
        }
    }

    /**
     * A raw {@code KVM_SET_USER_MEMORY_REGION} ioctl; KVM's answer is recorded (DOMAIN 3).
     *
     * @param slot {@code as_id << 16 | id}
     * @param flags the raw flag bits, unchecked: rejecting bad bits is KVM's answer, not a load error
     * @param hva empty: keep the slot's hva, or choose a fresh one for a new slot
     */
    record SetMemoryRegion(long slot, int flags, long gpa, long size, Optional<Long> hva) implements Step {
        public SetMemoryRegion {
            Objects.requireNonNull(hva, "hva");
        }

        @Override
        public StepKind kind() {
            return StepKind.SET_MEMORY_REGION;
        }
    }

    /** A QEMU subsystem (dump-guest-memory, gdbstub, ...) reads every memslot through its hva. */
    record WalkMemslots(String by) implements Step {
        public static final String DEFAULT_BY = "dump-guest-memory";

        public WalkMemslots {
            Objects.requireNonNull(by, "by");
        }

        @Override
        public StepKind kind() {
            return StepKind.WALK_MEMSLOTS;
        }
    }

    /** Live migration starts. */
    record Migrate() implements Step {
        @Override
        public StepKind kind() {
            return StepKind.MIGRATE;
        }
    }

    /** QEMU unmaps the blob: the memslot is deleted and the guest mapping goes away. */
    record UnmapBlob(String buffer) implements BufferStep {
        public UnmapBlob {
            requireBuffer(buffer);
        }

        @Override
        public StepKind kind() {
            return StepKind.UNMAP_BLOB;
        }
    }

    /** A VFIO device without IOMMU snoop control attaches or detaches: the VM-wide count moves (DOMAIN 16, 17). */
    record NoncoherentDma(boolean attached) implements Step {
        @Override
        public StepKind kind() {
            return StepKind.NONCOHERENT_DMA;
        }
    }

    /** The guest sets or clears CR0.CD (SCENARIOS.md {@code guest-cr0-cd}; rules 2, 6a, 11-13, DOMAIN 2.4). */
    record GuestCr0Cd(boolean value) implements Step {
        @Override
        public StepKind kind() {
            return StepKind.GUEST_CR0_CD;
        }
    }

    private static void requireBuffer(String buffer) {
        if (buffer == null || buffer.isBlank()) {
            throw new IllegalArgumentException("buffer name must not be blank");
        }
    }
}
