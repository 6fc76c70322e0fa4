package org.memtypelab.core.coherency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.GpuProcessModel;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmModel;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuModel;
import org.memtypelab.core.qemu.QemuVersion;

/**
 * The three node models wired together without actors, the way the conductor drives them: GPU process -> QEMU ->
 * KVM, every outcome delivered to a {@link CoherencyLedger} as one step.
 */
public final class NodeRig {

    public final GpuProcessModel gpu = new GpuProcessModel();
    public final QemuModel qemu;
    public final KvmModel kvm;
    public final LedgerFeed feed;

    public NodeRig(KvmPlatform platform, QemuConfig qemuConfig) {
        this.qemu = new QemuModel(qemuConfig);
        this.kvm = new KvmModel(platform);
        this.feed = new LedgerFeed(new Coherence(platform.cpu(), platform.selfSnoop()));
    }

    /** An Intel or AMD host with both quirks at their defaults. */
    public static KvmPlatform platform(CpuVendor cpu, String kvm, boolean selfSnoop) {
        return new KvmPlatform(cpu, KvmVersion.of(kvm), selfSnoop, true, true);
    }

    public static KvmPlatform intel(String kvm, boolean selfSnoop) {
        return platform(CpuVendor.INTEL, kvm, selfSnoop);
    }

    /** QEMU 9.2 with virgl and blob on (SCENARIOS.md defaults) and the given GPU placement and blob access. */
    public static QemuConfig qemu(
            QemuConfig.GpuMode gpu, QemuConfig.ImportMode importMode, QemuConfig.BlobAccess blobAccess) {
        return new QemuConfig(QemuVersion.of("9.2"), true, true, gpu, importMode, blobAccess);
    }

    public Outcome allocate(String buffer, BufferProfile profile) {
        return ok(feed.step("gpu-process-node", gpu.allocate(buffer, 2L << 20, profile)));
    }

    /** export + map-blob: the GPU process exports, QEMU imports and maps, KVM installs the memslot. */
    public Optional<BlobSlot> exportAndMap(String buffer, long gpa, int flags) {
        DmaBuf buf = gpu.export(buffer).orElseThrow();
        ok(feed.step("qemu-node", qemu.importDmaBuf(buf)));
        QemuModel.MapResult mapped = qemu.mapBlob(buffer, gpa, flags, Optional.empty());
        feed.step("qemu-node", mapped.outcome());
        mapped.slot().ifPresent(slot -> {
            KvmModel.SetOutcome installed = kvm.installBlob(slot);
            assertThat(installed.result().succeeded())
                    .as(installed.outcome().detail())
                    .isTrue();
            feed.step("kvm-node", installed.outcome());
        });
        return mapped.slot();
    }

    public Outcome guestMap(String buffer, Optional<MemType> pat) {
        return ok(feed.step("kvm-node", kvm.guestMap(buffer, pat)));
    }

    public Outcome guestWrite(String buffer, int value) {
        return ok(feed.step("kvm-node", kvm.guestAccess(buffer, true, 0, value).outcome()));
    }

    public Outcome guestRead(String buffer) {
        return ok(feed.step("kvm-node", kvm.guestAccess(buffer, false, 0, 0).outcome()));
    }

    public Outcome gpuRead(String buffer) {
        return ok(feed.step("gpu-process-node", gpu.gpuAccess(buffer, false, 0, 0)));
    }

    public Outcome rendererRead(String buffer) {
        return ok(feed.step("gpu-process-node", gpu.rendererAccess(buffer, false, 0, 0)));
    }

    public Outcome walkMemslots() {
        return ok(feed.step("qemu-node", qemu.walkMemslots("dump-guest-memory")));
    }

    public CoherencyLedger.Report report() {
        return feed.report();
    }

    /** The report's current mapping of {@code buffer} by {@code who}. */
    public static Optional<Mapping> mapping(CoherencyLedger.Report r, String buffer, Who who) {
        return r.mappings().stream()
                .filter(m -> m.buffer().equals(buffer) && m.who() == who)
                .findFirst();
    }

    /** The report's hazards between {@code a} and {@code b} (unordered). */
    public static List<Hazard> hazards(CoherencyLedger.Report r, Who a, Who b) {
        return r.hazards().stream()
                .filter(h ->
                        h.between().containsAll(List.of(a, b)) && h.between().size() == 2)
                .toList();
    }

    private static Outcome ok(Outcome o) {
        assertThat(o.ok()).as(o.detail()).isTrue();
        return o;
    }
}
