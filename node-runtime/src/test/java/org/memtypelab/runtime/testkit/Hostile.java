package org.memtypelab.runtime.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.node.Arm;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.HvaChoice;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MemTypeChoice;
import org.memtypelab.protocol.node.MessageRule;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.ProtocolChecks;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/**
 * Seeded generators of hostile protocol messages: each is a well-typed message with at least one field a valid run
 * never sends (missing, out of range, not a name, from the future), so a node must drop every one of them. The fields
 * not broken are valid, so the check that catches a message is the one for the broken field.
 */
public final class Hostile {

    private static final String[] BAD_NAMES = {
        null,
        "",
        " ",
        "b0\n",
        "b0\u0000",
        "../../etc/passwd",
        "b0;rm -rf",
        "\u00e9t\u00e9",
        "x".repeat(300),
        "b 0",
        "\t"
    };
    private static final long[] BAD_SIZES = {
        0, -1, -4096, Long.MIN_VALUE, Long.MAX_VALUE, ProtocolChecks.PHYS_ADDR_END + 1, 1L << 62
    };
    private static final long[] BAD_OFFSETS = {-1, -4096, Long.MIN_VALUE, Long.MAX_VALUE, ProtocolChecks.PHYS_ADDR_END};
    private static final int[] BAD_VALUES = {-1, 256, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x1ab};

    private final SplittableRandom r;
    private final String run;
    private final long incarnation;
    private final ActorRef<MonitorProtocol.Command> sink;

    /**
     * Messages for a node of {@code incarnation} in run {@code run}, whose event stream is shorter than 100: its
     * "future" is relative to these. Resend requests name {@code sink} as the monitor, which must get nothing.
     */
    public Hostile(long seed, String run, long incarnation, ActorRef<MonitorProtocol.Command> sink) {
        this.r = new SplittableRandom(seed);
        this.run = run;
        this.incarnation = incarnation;
        this.sink = sink;
    }

    public SplittableRandom random() {
        return r;
    }

    // ---- fields

    /** A stamp that is valid, of this run, at a step no test uses. */
    public Stamp stamp() {
        return new Stamp(900 + r.nextInt(1000), r.nextLong(0, 1 << 20), "conductor", run);
    }

    /** A stamp with one bad field (or none at all). */
    public Stamp badStamp() {
        return switch (r.nextInt(8)) {
            case 0 -> null;
            case 1 -> new Stamp(-1 - r.nextInt(1 << 20), 1, "conductor", run);
            case 2 -> new Stamp(ProtocolChecks.STEP_MAX + 1 + r.nextInt(1 << 20), 1, "conductor", run);
            case 3 -> new Stamp(1, -1 - r.nextLong(1L << 40), "conductor", run);
            case 4 -> new Stamp(1, pick(Long.MAX_VALUE, ProtocolChecks.LAMPORT_MAX + 1, 1L << 62), "conductor", run);
            case 5 -> new Stamp(1, 1, badName(), run);
            case 6 -> new Stamp(1, 1, "conductor", pick(null, "x".repeat(5000), "run\u0007"));
            default -> new Stamp(1, 1, "conductor", null);
        };
    }

    public String badName() {
        return BAD_NAMES[r.nextInt(BAD_NAMES.length)];
    }

    public long badSize() {
        return r.nextInt(4) == 0 ? -r.nextLong(1, Long.MAX_VALUE) : BAD_SIZES[r.nextInt(BAD_SIZES.length)];
    }

    public long badOffset() {
        return r.nextInt(4) == 0 ? -r.nextLong(1, Long.MAX_VALUE) : BAD_OFFSETS[r.nextInt(BAD_OFFSETS.length)];
    }

    public int badValue() {
        return BAD_VALUES[r.nextInt(BAD_VALUES.length)];
    }

    /** A blob with one bad field. */
    public BlobSlot badBlob() {
        BlobSlot b = Blobs.B0;
        int k = r.nextInt(10);
        return k == 0
                ? null
                : new BlobSlot(
                        k == 1 ? badName() : b.buffer(),
                        b.slot(),
                        k == 2 ? pick(-1L, -4096L, ProtocolChecks.PHYS_ADDR_END, Long.MAX_VALUE) : b.gpa(),
                        k == 3 ? badSize() : b.size(),
                        k == 4 ? pick(-1L, ProtocolChecks.USER_ADDRESS_END, Long.MIN_VALUE) : b.hva(),
                        b.flags(),
                        k == 5 ? pick(null, Optional.of(MemType.UC_MINUS), Optional.of(MemType.CD)) : b.slotMemtype(),
                        k == 6 ? null : b.qemuType(),
                        k == 7 ? null : b.backing(),
                        k == 8 ? null : b.guestDefaultPat(),
                        b.guestRam(),
                        k == 9 ? null : b.exporterType());
    }

    /** A buffer profile with one bad field. */
    public BufferProfile badProfile() {
        return switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> new BufferProfile(null, Optional.of(MemType.WC), MemType.WC, GpuSnoop.NO_SNOOP);
            case 2 -> new BufferProfile(Backing.RAM, null, MemType.WC, GpuSnoop.NO_SNOOP);
            case 3 -> new BufferProfile(Backing.RAM, Optional.of(MemType.WC), pick(null, MemType.CD), GpuSnoop.SNOOP);
            case 4 -> new BufferProfile(Backing.RAM, Optional.of(MemType.WC_PLUS), MemType.WC, GpuSnoop.SNOOP);
            default -> new BufferProfile(Backing.RAM, Optional.empty(), MemType.WB, null);
        };
    }

    public static BufferProfile goodProfile() {
        return new BufferProfile(Backing.RAM, Optional.of(MemType.WC), MemType.WC, GpuSnoop.NO_SNOOP);
    }

    // ---- messages, by receiver

    /** A hostile command for kvm-node. */
    public KvmProtocol.Command kvm(ActorRef<StepDone> replyTo) {
        if (r.nextInt(4) == 0) {
            return control();
        }
        boolean badStamp = r.nextInt(3) == 0;
        Stamp s = badStamp ? badStamp() : stamp();
        ActorRef<StepDone> to = !badStamp && r.nextInt(6) == 0 ? null : replyTo;
        boolean broken = badStamp || to == null;
        return switch (r.nextInt(8)) {
            case 0 -> new KvmProtocol.InstallBlob(s, broken ? Blobs.B0 : badBlob(), to);
            case 1 -> new KvmProtocol.RemoveBlob(s, broken ? Blobs.B0 : badBlob(), to);
            case 2 -> new KvmProtocol.StartDirtyLog(s, broken ? Blobs.B0 : badBlob(), to);
            case 3 ->
                new KvmProtocol.SetMemoryRegion(
                        s,
                        r.nextInt(),
                        r.nextInt(),
                        r.nextLong(),
                        r.nextLong(),
                        broken ? new HvaChoice.Keep() : null,
                        to);
            case 4 -> {
                int k = broken ? -1 : r.nextInt(3);
                yield new KvmProtocol.GuestMap(
                        s,
                        k == 0 ? badName() : "b0",
                        k == 1
                                ? pick(null, new MemTypeChoice.Given(pick(MemType.CD, MemType.WC_PLUS, null)))
                                : byRule(),
                        k == 2 ? pick(null, MemType.UC_MINUS, MemType.CD, MemType.WC_PLUS) : MemType.WB,
                        to);
            }
            case 5 -> {
                int k = broken ? -1 : r.nextInt(3);
                yield new KvmProtocol.GuestAccess(
                        s,
                        k == 0 ? badName() : "b0",
                        r.nextBoolean(),
                        k == 1 ? badOffset() : 64,
                        k == 2 ? badValue() : 0xab,
                        to);
            }
            case 6 -> new KvmProtocol.GuestCr0Cd(broken ? s : badStamp(), r.nextBoolean(), to);
            default -> new KvmProtocol.NoncoherentDma(broken ? s : badStamp(), r.nextBoolean(), to);
        };
    }

    /** A hostile command for qemu-node. */
    public QemuProtocol.Command qemu(ActorRef<StepDone> replyTo, ActorRef<QemuProtocol.MigrationInfo> infoTo) {
        if (r.nextInt(4) == 0) {
            return control();
        }
        boolean badStamp = r.nextInt(3) == 0;
        Stamp s = badStamp ? badStamp() : stamp();
        ActorRef<StepDone> to = !badStamp && r.nextInt(6) == 0 ? null : replyTo;
        boolean broken = badStamp || to == null;
        return switch (r.nextInt(5)) {
            case 0 -> {
                int k = broken ? -1 : r.nextInt(3);
                yield new QemuProtocol.ImportDmaBuf(
                        s,
                        k == 0
                                ? null
                                : new DmaBuf(
                                        k == 1 ? badName() : "b0",
                                        k == 2 ? badSize() : Blobs.MIB2,
                                        k == -1 ? goodProfile() : badProfile()),
                        to);
            }
            case 1 -> {
                int k = broken ? -1 : r.nextInt(4);
                Set<MemslotFlag> flags = new java.util.HashSet<>();
                flags.add(k == 2 ? null : MemslotFlag.LOG_DIRTY_PAGES);
                yield new QemuProtocol.MapBlob(
                        s,
                        k == 0 ? badName() : "b0",
                        k == 1
                                ? pick(-1L, ProtocolChecks.PHYS_ADDR_END, Long.MAX_VALUE, Long.MIN_VALUE)
                                : 0x1_0000_0000L,
                        k == 2 ? pick(null, flags) : Set.of(),
                        k == 3
                                ? pick(null, new MemTypeChoice.Given(pick(MemType.UC_MINUS, MemType.CD, null)))
                                : byRule(),
                        to);
            }
            case 2 -> new QemuProtocol.UnmapBlob(s, broken ? "b0" : badName(), to);
            case 3 ->
                new QemuProtocol.WalkMemslots(s, broken ? "dump-guest-memory" : pick(null, "", "  ", "\u0000x"), to);
            default -> {
                int k = r.nextInt(3);
                yield new QemuProtocol.GetMigrationInfo(
                        k == 0 ? badStamp() : stamp(),
                        k == 1 ? null : MigrationPolicy.STATUS_QUO,
                        k == 2 ? null : infoTo);
            }
        };
    }

    /** A hostile command for gpu-process-node. */
    public GpuProtocol.Command gpu(ActorRef<StepDone> replyTo) {
        if (r.nextInt(4) == 0) {
            return control();
        }
        boolean badStamp = r.nextInt(3) == 0;
        Stamp s = badStamp ? badStamp() : stamp();
        ActorRef<StepDone> to = !badStamp && r.nextInt(6) == 0 ? null : replyTo;
        boolean broken = badStamp || to == null;
        int k = broken ? -1 : r.nextInt(3);
        return switch (r.nextInt(5)) {
            case 0 ->
                new GpuProtocol.Allocate(
                        s,
                        k == 0 ? badName() : "b9",
                        k == 1 ? badSize() : Blobs.MIB2,
                        k == 2 ? badProfile() : goodProfile(),
                        to);
            case 1 -> new GpuProtocol.Export(s, broken ? "b0" : badName(), to);
            case 2 ->
                new GpuProtocol.GpuAccess(
                        s,
                        k == 0 ? badName() : "b0",
                        r.nextBoolean(),
                        k == 1 ? badOffset() : 64,
                        k == 2 ? badValue() : 1,
                        to);
            case 3 ->
                new GpuProtocol.RendererAccess(
                        s,
                        k == 0 ? badName() : "b0",
                        r.nextBoolean(),
                        k == 1 ? badOffset() : 64,
                        k == 2 ? badValue() : 1,
                        to);
            default -> new GpuProtocol.SaveBlobs(broken ? s : badStamp(), to);
        };
    }

    /** A hostile command for migration-node. */
    public MigrationProtocol.Command migration(ActorRef<StepDone> replyTo) {
        if (r.nextInt(2) == 0) {
            return control();
        }
        return r.nextBoolean()
                ? new MigrationProtocol.Migrate(badStamp(), replyTo)
                : new MigrationProtocol.Migrate(stamp(), null);
    }

    /** A hostile control message, which every node accepts. */
    public NodeCommand.Control control() {
        return switch (r.nextInt(10)) {
            case 0 -> new NodeCommand.GetMark(null);
            case 1 -> new NodeCommand.NewPeers(null, null);
            case 2 -> new NodeCommand.Setup(null, null);
            case 3 -> new NodeCommand.Setup(badSetup(), null);
            case 4 -> new NodeCommand.ResendTo(incarnation + 1 + r.nextInt(1 << 20), List.of(1L), sink); // the future
            case 5 -> new NodeCommand.ResendTo(incarnation, badSeqs(), sink);
            case 6 -> new NodeCommand.ResendTo(pick(-1L, Long.MIN_VALUE, Long.MAX_VALUE), List.of(1L), null);
            case 7 -> new Arm(-1 - r.nextInt(100), List.of(), List.of(), false, null);
            case 8 ->
                new Arm(
                        1,
                        r.nextBoolean()
                                ? null
                                : List.of(new MessageRule(
                                        r.nextBoolean() ? null : MessageRule.Action.DROP,
                                        "",
                                        r.nextBoolean() ? null : "",
                                        "",
                                        0,
                                        1.0,
                                        r.nextBoolean() ? -1 : Long.MAX_VALUE)),
                        List.of(),
                        false,
                        null);
            default -> new Arm(1, List.of(), r.nextBoolean() ? null : Arrays.asList(Set.of("a"), null), false, null);
        };
    }

    /** Well-formed future seqs and garbage: far past any stream, zero, negative. */
    public List<Long> badSeqs() {
        List<Long> seqs = new ArrayList<>();
        switch (r.nextInt(5)) {
            case 0 -> seqs.add(pick(0L, -1L, Long.MIN_VALUE));
            case 4 -> seqs.addAll(List.of(1L, 100 + (1L << 16) + r.nextInt(1 << 16))); // far past the last event
            case 1 -> seqs.add(ProtocolChecks.SEQ_MAX + 1 + r.nextLong(1L << 40));
            case 2 -> seqs.add(null);
            default -> {
                return null;
            }
        }
        return seqs;
    }

    private RunSetup badSetup() {
        int k = r.nextInt(6);
        return new RunSetup(
                k == 0 ? null : run,
                1,
                k == 1 ? null : KvmPlatform.defaults(),
                k == 2 ? null : QemuConfig.defaults(),
                k == 3 ? null : MigrationPolicy.STATUS_QUO,
                k == 4 ? pick(null, "", "  ") : "/tmp/never-written",
                k == 5 ? null : new Peers(null, null, null));
    }

    /**
     * A hostile command for the coherency monitor, which has heard events below 100 from kvm-node of this
     * incarnation.
     */
    public MonitorProtocol.Command monitor(
            ActorRef<StepDone> replyTo, ActorRef<MonitorProtocol.MonitorReport> reports) {
        return switch (r.nextInt(6)) {
            case 0 ->
                new MonitorProtocol.Reset(
                        r.nextBoolean() ? null : run,
                        r.nextBoolean() ? null : new Coherence(CpuVendor.INTEL, true),
                        null);
            case 1 -> {
                int k = r.nextInt(3);
                yield new MonitorProtocol.Report(
                        run,
                        new Coherence(CpuVendor.INTEL, true),
                        k == 0
                                ? List.of(new NodeMark("kvm-node", incarnation, ProtocolChecks.SEQ_MAX + 1, null))
                                : k == 1 ? Arrays.asList((NodeMark) null) : null,
                        reports);
            }
            default -> new Observed(badEvent(), r.nextInt(5) == 0 ? null : run);
        };
    }

    /** A node event with one bad field, or from the future of a stream the monitor knows up to seq 1. */
    public Event badEvent() {
        int k = r.nextInt(11);
        Observation good = new Observation.MappingGone("b0", Who.GUEST);
        return k == 0
                ? null
                : new Event(
                        k == 1 ? badName() : "kvm-node",
                        k == 2 ? pick(-1L, Long.MAX_VALUE, incarnation + (1L << 20)) : incarnation,
                        k == 3
                                ? pick(0L, -1L, Long.MAX_VALUE, 100 + (1L << 16) + r.nextLong(1L << 19))
                                : 1 + r.nextInt(5),
                        k == 4 ? pick(-1, Integer.MAX_VALUE) : 1,
                        k == 5 ? pick(-1L, Long.MAX_VALUE) : 10,
                        k >= 6 ? badObservation(k) : good);
    }

    private Observation badObservation(int k) {
        return switch (k) {
            case 6 -> null;
            case 7 -> new Observation.MappingGone(badName(), r.nextBoolean() ? Who.GPU : null);
            case 8 ->
                new Observation.MappingSet(new Mapping(
                        "b0", Who.QEMU, r.nextBoolean() ? null : new MappingType.Guest(MemType.WB, null), true));
            case 9 -> new Observation.Access("b0", Who.GPU, new MappingType.Dma(false), true, badOffset(), 1);
            default ->
                new Observation.Reported(
                        r.nextBoolean()
                                ? null
                                : new Hazard(
                                        "b0",
                                        Arrays.asList(Who.GUEST, null),
                                        List.of("WB", "WC"),
                                        Hazard.Kind.MEMTYPE_ALIAS,
                                        1,
                                        "w"));
        };
    }

    private static MemTypeChoice byRule() {
        return new MemTypeChoice.ByRule();
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[r.nextInt(values.length)];
    }
}
