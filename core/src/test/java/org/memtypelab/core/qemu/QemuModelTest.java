package org.memtypelab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.core.qemu.QemuConfig.BlobAccess.KVM_ONLY;
import static org.memtypelab.core.qemu.QemuConfig.BlobAccess.QEMU_READS;
import static org.memtypelab.core.qemu.QemuConfig.GpuMode.IN_PROCESS;
import static org.memtypelab.core.qemu.QemuConfig.GpuMode.VHOST_USER_GPU;
import static org.memtypelab.core.qemu.QemuConfig.ImportMode.DMABUF_MMAP;
import static org.memtypelab.core.qemu.QemuConfig.ImportMode.VK_MAP_MEMORY;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.migration.MigrationPolicy;

/** QEMU's virtio-gpu: blob mapping types, the kvm-only practice, and the migration blockers (rules 27-33). */
class QemuModelTest {

    static final long GPA = 0x1_0000_0000L;
    static final String VIRGL_BLOCKER = "virgl is not yet migratable";
    static final String BLOB_BLOCKER = "virtio-gpu blob VMs are currently not migratable.";

    static QemuConfig config(String version, boolean virgl, boolean blob) {
        return new QemuConfig(QemuVersion.of(version), virgl, blob, IN_PROCESS, DMABUF_MMAP, KVM_ONLY);
    }

    static QemuConfig config(QemuConfig.GpuMode gpu, QemuConfig.ImportMode mode, QemuConfig.BlobAccess access) {
        return new QemuConfig(QemuVersion.of("9.2"), true, true, gpu, mode, access);
    }

    static QemuModel imported(QemuConfig config, String buffer, Placement p) {
        QemuModel q = new QemuModel(config);
        assertThat(q.importDmaBuf(new DmaBuf(buffer, 2L << 20, p.profile())).ok())
                .isTrue();
        return q;
    }

    static Mapping qemuMapping(QemuModel.MapResult r) {
        return r.outcome().observations().stream()
                .map(o -> ((Observation.MappingSet) o).mapping())
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest(name = "rule 27: virgl blocker under {0}: {1}")
    @CsvSource({"STATUS_QUO, true", "RAM_COPY, false", "BLOB_AS_GPU_STATE, false"})
    void virglBlockerOnlyUnderStatusQuo(MigrationPolicy policy, boolean blocked) {
        List<String> blockers = new QemuModel(QemuConfig.defaults()).blockers(policy);
        if (blocked) {
            assertThat(blockers).containsExactly(VIRGL_BLOCKER);
        } else {
            assertThat(blockers).isEmpty();
        }
    }

    @ParameterizedTest(name = "rule 32: 2D blob VM on QEMU {0} under {1} blocked: {2}")
    @CsvSource({
        "8.1.2, STATUS_QUO,        false",
        "8.1.3, STATUS_QUO,        true",
        "8.1.3, RAM_COPY,          true",
        "8.1.3, BLOB_AS_GPU_STATE, true",
        "8.1.4, STATUS_QUO,        true",
        "8.2,   STATUS_QUO,        false",
        "8.2.1, STATUS_QUO,        false",
        "9.2,   STATUS_QUO,        false"
    })
    void twoDimensionalBlobBlockerOnlyOn813(String version, MigrationPolicy policy, boolean blocked) {
        List<String> blockers = new QemuModel(config(version, false, true)).blockers(policy);
        if (blocked) {
            assertThat(blockers).containsExactly(BLOB_BLOCKER);
        } else {
            assertThat(blockers).isEmpty();
        }
    }

    @Test
    void noBlobsNoBlobBlocker() {
        assertThat(new QemuModel(config("8.1.3", false, false)).blockers(MigrationPolicy.STATUS_QUO))
                .isEmpty();
    }

    @ParameterizedTest(name = "SCENARIOS placements: in-process QEMU maps {0} with the renderer's type")
    @EnumSource(
            value = Placement.class,
            names = {"GTT_USWC", "GTT_CACHED", "VRAM", "SHMEM_LLC", "SHMEM_WC", "LMEM", "VIDMEM"})
    void inProcessQemuUsesTheRendererPointer(Placement p) {
        QemuModel q = imported(config(IN_PROCESS, DMABUF_MMAP, KVM_ONLY), "b0", p);
        QemuModel.MapResult r = q.mapBlob("b0", GPA, 0, Optional.empty());
        assertThat(r.outcome().ok()).isTrue();
        assertThat(r.slot().orElseThrow().qemuType()).isEqualTo(p.profile().rendererMap());
    }

    @ParameterizedTest(name = "rule 34/35: vhost-user-gpu mmaps the {0} dma-buf as {1}")
    @CsvSource({
        "GTT_USWC,   WC",
        "GTT_CACHED, WB",
        "VRAM,       WC",
        "SHMEM_LLC,  WB",
        "SHMEM_WC,   WB",
        "LMEM,       WC",
        "GUEST_RAM,  WB"
    })
    void vhostUserGpuUsesTheExportersMmapType(Placement p, MemType expected) {
        QemuModel q = new QemuModel(new QemuConfig(
                QemuVersion.of("9.2"), p != Placement.GUEST_RAM, true, VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS));
        q.importDmaBuf(new DmaBuf("b0", 2L << 20, p.profile()));
        QemuModel.MapResult r = q.mapBlob("b0", GPA, 0, Optional.empty());
        assertThat(r.slot().orElseThrow().qemuType()).isEqualTo(expected);
        assertThat(qemuMapping(r)).isEqualTo(new Mapping("b0", Who.QEMU, new MappingType.Cpu(expected), true));
    }

    @Test
    void vkMapMemoryImportTakesTheDriversType() {
        QemuModel q = imported(config(VHOST_USER_GPU, VK_MAP_MEMORY, KVM_ONLY), "b0", Placement.SHMEM_WC);
        assertThat(q.mapBlob("b0", GPA, 0, Optional.empty())
                        .slot()
                        .orElseThrow()
                        .qemuType())
                .isEqualTo(MemType.WC);
    }

    @Test
    void nvidiaVidmemCannotBeMmappedAndIsReportedUnmappable() {
        QemuModel q = imported(config(VHOST_USER_GPU, DMABUF_MMAP, KVM_ONLY), "b0", Placement.VIDMEM);
        QemuModel.MapResult r = q.mapBlob("b0", GPA, 0, Optional.empty());
        assertThat(r.outcome().ok()).isFalse();
        assertThat(r.slot()).isEmpty();
        assertThat(q.blobs()).isEmpty();
        assertThat(r.outcome().observations()).singleElement().satisfies(o -> {
            Hazard h = ((Observation.Reported) o).hazard();
            assertThat(h.kind()).isEqualTo(Hazard.Kind.UNMAPPABLE);
            assertThat(h.buffer()).isEqualTo("b0");
            assertThat(h.between()).containsExactly(Who.QEMU, Who.RENDERER);
        });
    }

    @Test
    void kvmOnlyBlobsAreNeverDereferencedButGuestRamBlobsAre() {
        QemuModel q =
                new QemuModel(new QemuConfig(QemuVersion.of("9.2"), true, true, VHOST_USER_GPU, DMABUF_MMAP, KVM_ONLY));
        q.importDmaBuf(new DmaBuf("b0", 2L << 20, Placement.SHMEM_WC.profile()));
        q.importDmaBuf(new DmaBuf("u0", 2L << 20, Placement.GUEST_RAM.profile()));
        Mapping b0 = qemuMapping(q.mapBlob("b0", GPA, 0, Optional.empty()));
        QemuModel.MapResult u = q.mapBlob("u0", GPA + (4L << 20), 0, Optional.empty());
        assertThat(b0.dereferenced()).isFalse();
        assertThat(qemuMapping(u).dereferenced()).isTrue();
        assertThat(u.slot().orElseThrow().guestRam()).isTrue();
        assertThat(q.mappings())
                .extracting(Mapping::buffer, Mapping::dereferenced)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("b0", false),
                        org.assertj.core.groups.Tuple.tuple("u0", true));
    }

    @ParameterizedTest(name = "rule 28: a {0} blob is hostmem, not guest RAM, even though its types match udmabuf's")
    @EnumSource(
            value = Placement.class,
            names = {"GTT_CACHED", "SHMEM_LLC"})
    void cachedGpuBuffersAreHostmemBlobsNotGuestRam(Placement p) {
        QemuModel q = imported(config(IN_PROCESS, DMABUF_MMAP, KVM_ONLY), "b0", p);
        QemuModel.MapResult r = q.mapBlob("b0", GPA, 0, Optional.empty());
        assertThat(r.slot().orElseThrow().guestRam()).isFalse();
        // SCENARIOS.md blob-access kvm-only: never dereferenced, skipped by walk-memslots
        assertThat(qemuMapping(r).dereferenced()).isFalse();
        assertThat(q.mappings()).extracting(Mapping::dereferenced).containsExactly(false);
        assertThat(q.walkMemslots("dump-guest-memory").observations()).isEmpty();
        // rule 28: skipped by RAM migration unless the hypothetical ram-copy policy copies it
        assertThat(q.blobsReadByMigration(MigrationPolicy.STATUS_QUO)).isEmpty();
        assertThat(q.blobsReadByMigration(MigrationPolicy.BLOB_AS_GPU_STATE)).isEmpty();
        assertThat(q.blobsReadByMigration(MigrationPolicy.RAM_COPY)).hasSize(1);
    }

    @Test
    void walkMemslotsSkipsKvmOnlyBlobs() {
        QemuModel q = imported(config(IN_PROCESS, DMABUF_MMAP, KVM_ONLY), "b0", Placement.GTT_USWC);
        q.mapBlob("b0", GPA, 0, Optional.empty());
        var walk = q.walkMemslots("dump-guest-memory");
        assertThat(walk.ok()).isTrue();
        assertThat(walk.observations()).isEmpty();
        assertThat(walk.detail()).contains("skipped").contains("b0");
    }

    @Test
    void walkMemslotsReadsQemuReadsBlobsThroughQemusType() {
        QemuModel q = imported(config(VHOST_USER_GPU, DMABUF_MMAP, QEMU_READS), "b0", Placement.SHMEM_WC);
        q.mapBlob("b0", GPA, 0, Optional.empty());
        assertThat(q.walkMemslots("gdbstub").observations())
                .containsExactly(new Observation.Access("b0", Who.QEMU, new MappingType.Cpu(MemType.WB), false, 0, 0));
    }

    @Test
    void blobSlotCarriesWhatKvmNeeds() {
        QemuModel q = imported(config(IN_PROCESS, DMABUF_MMAP, KVM_ONLY), "b0", Placement.VRAM);
        q.importDmaBuf(new DmaBuf("b1", 3L << 20, Placement.SHMEM_LLC.profile()));
        BlobSlot s0 = q.mapBlob("b0", GPA, 4, Optional.of(MemType.WC)).slot().orElseThrow();
        BlobSlot s1 =
                q.mapBlob("b1", GPA + (2L << 20), 0, Optional.empty()).slot().orElseThrow();
        assertThat(s0.slot()).isEqualTo(QemuModel.FIRST_BLOB_SLOT);
        assertThat(s1.slot()).isEqualTo(QemuModel.FIRST_BLOB_SLOT + 1);
        assertThat(s0.flags()).isEqualTo(4);
        assertThat(s0.slotMemtype()).contains(MemType.WC);
        assertThat(s0.backing()).isEqualTo(Backing.MMIO);
        // rules 30, 31: map_info CACHED iff the renderer maps WB
        assertThat(s0.guestDefaultPat()).isEqualTo(MemType.WC);
        assertThat(s1.guestDefaultPat()).isEqualTo(MemType.WB);
        assertThat(s0.hva() % 4096).isZero();
        assertThat(s1.hva()).isGreaterThanOrEqualTo(s0.hva() + s0.size());
        assertThat(s1.size()).isEqualTo(3L << 20);
    }

    @Test
    void mapBlobRefusesWhatQemuCannotDo() {
        QemuModel notExported = new QemuModel(QemuConfig.defaults());
        assertThat(notExported.mapBlob("b0", GPA, 0, Optional.empty()).outcome().ok())
                .isFalse();

        QemuModel twice = imported(QemuConfig.defaults(), "b0", Placement.GTT_USWC);
        assertThat(twice.mapBlob("b0", GPA, 0, Optional.empty()).outcome().ok()).isTrue();
        assertThat(twice.mapBlob("b0", GPA, 0, Optional.empty()).outcome().ok()).isFalse();

        QemuModel blobOff = imported(config("9.2", true, false), "b0", Placement.GTT_USWC);
        assertThat(blobOff.mapBlob("b0", GPA, 0, Optional.empty()).outcome().ok())
                .isFalse();

        // DOMAIN 5.2: virgl blobs are mapped into the guest from QEMU 9.2 on
        QemuModel old = imported(config("9.1", true, true), "b0", Placement.GTT_USWC);
        assertThat(old.mapBlob("b0", GPA, 0, Optional.empty()).outcome().detail())
                .contains("9.2");

        QemuModel twoD = imported(config("8.2", false, true), "u0", Placement.GUEST_RAM);
        assertThat(twoD.mapBlob("u0", GPA, 0, Optional.empty()).outcome().ok()).isTrue();
    }

    @ParameterizedTest(name = "rule 32: QEMU {0} without virgl: a 2D blob is guest RAM, no MAP_BLOB, no new memslot")
    @CsvSource({"8.1.2", "8.1.3", "8.2", "9.2"})
    void rule32_aTwoDimensionalBlobMapsNothingNew(String version) {
        QemuModel q = imported(config(version, false, true), "b0", Placement.GUEST_RAM);

        QemuModel.MapResult r = q.mapBlob("b0", GPA, 0, Optional.empty());

        assertThat(r.outcome().ok()).as("not an error").isTrue();
        assertThat(r.outcome().detail())
                .startsWith("2D blob b0 is guest RAM: QEMU made its own udmabuf over the memfd and maps it read-only WB"
                        + " for scanout")
                .endsWith("no MAP_BLOB, no new memslot (DOMAIN rule 32)");
        BlobSlot slot = r.slot().orElseThrow();
        assertThat(slot.guestRam()).isTrue();
        assertThat(slot.slot()).as("the guest's RAM slot").isEqualTo(QemuModel.GUEST_RAM_SLOT);
        // QEMU's read-only udmabuf mapping for scanout is WB and dereferenced
        assertThat(qemuMapping(r)).isEqualTo(new Mapping("b0", Who.QEMU, new MappingType.Cpu(MemType.WB), true));
    }

    @Test
    void rule32_twoDimensionalBlobsTakeNoBlobMemslotId() {
        QemuModel q = imported(QemuConfig.defaults(), "u0", Placement.GUEST_RAM);
        q.importDmaBuf(new DmaBuf("u1", 2L << 20, Placement.GUEST_RAM.profile()));
        q.importDmaBuf(new DmaBuf("b0", 2L << 20, Placement.GTT_USWC.profile()));

        BlobSlot u0 = q.mapBlob("u0", GPA, 0, Optional.empty()).slot().orElseThrow();
        BlobSlot u1 =
                q.mapBlob("u1", GPA + (2L << 20), 0, Optional.empty()).slot().orElseThrow();
        BlobSlot b0 =
                q.mapBlob("b0", GPA + (4L << 20), 0, Optional.empty()).slot().orElseThrow();

        assertThat(u0.slot()).isEqualTo(QemuModel.GUEST_RAM_SLOT);
        assertThat(u1.slot()).isEqualTo(QemuModel.GUEST_RAM_SLOT);
        assertThat(b0.slot())
                .as("the first hostmem blob still gets the first blob id")
                .isEqualTo(QemuModel.FIRST_BLOB_SLOT);
        assertThat(b0.guestRam()).isFalse();
    }

    @Test
    void rule32_unmappingATwoDimensionalBlobDeletesNoMemslot() {
        QemuModel q = imported(config("8.2", false, true), "b0", Placement.GUEST_RAM);
        q.mapBlob("b0", GPA, 0, Optional.empty());

        QemuModel.MapResult r = q.unmapBlob("b0");

        assertThat(r.outcome().ok()).isTrue();
        assertThat(r.outcome().detail())
                .contains("guest RAM")
                .contains("no memslot")
                .doesNotContain("deleted");
        assertThat(r.slot().orElseThrow().guestRam()).isTrue();
    }

    @ParameterizedTest(
            name = "DOMAIN 5.2, rule 32: QEMU 8.2 without virgl or rutabaga has no MAP_BLOB for a {0} buffer")
    @EnumSource(
            value = Placement.class,
            names = {"GTT_USWC", "VRAM", "SHMEM_LLC"})
    void rule32_twoDimensionalQemuCannotMapHostBlobs(Placement p) {
        QemuModel q = imported(config("8.2", false, true), "b0", p);

        QemuModel.MapResult r = q.mapBlob("b0", GPA, 0, Optional.empty());

        assertThat(r.outcome().ok()).isFalse();
        assertThat(r.outcome().detail()).contains("VIRTIO_GPU_RESP_ERR_UNSPEC").contains("rule 32");
        assertThat(r.slot()).isEmpty();
        assertThat(q.blobs()).isEmpty();
    }

    @ParameterizedTest(name = "rule 28b: rutabaga on QEMU {0} maps a host blob as a hostmem memslot")
    @CsvSource({"8.2", "9.1", "9.2"})
    void rule28b_rutabagaMapsHostBlobsLikeVirglOn92(String version) {
        QemuConfig rutabaga =
                new QemuConfig(QemuVersion.of(version), false, true, IN_PROCESS, DMABUF_MMAP, KVM_ONLY, true);
        QemuModel q = imported(rutabaga, "b0", Placement.GTT_USWC);

        QemuModel.MapResult r = q.mapBlob("b0", GPA, 0, Optional.empty());

        assertThat(r.outcome().ok()).as(r.outcome().detail()).isTrue();
        assertThat(r.outcome().detail()).contains("memslot " + QemuModel.FIRST_BLOB_SLOT);
        BlobSlot slot = r.slot().orElseThrow();
        assertThat(slot.guestRam()).isFalse();
        assertThat(slot.slot()).isEqualTo(QemuModel.FIRST_BLOB_SLOT);
        assertThat(slot.qemuType()).isEqualTo(MemType.WC);
        // rule 28: a ram_ptr subregion is not migratable RAM
        assertThat(q.blobsReadByMigration(MigrationPolicy.STATUS_QUO)).isEmpty();
    }

    @Test
    void rule28b_rutabagaHasBlobsEvenWithBlobOff() {
        // DOMAIN 5.1: virtio_gpu_rutabaga_realize() sets BLOB itself
        QemuConfig rutabaga =
                new QemuConfig(QemuVersion.of("8.2"), false, false, IN_PROCESS, DMABUF_MMAP, KVM_ONLY, true);
        QemuModel q = imported(rutabaga, "b0", Placement.GTT_USWC);

        assertThat(q.mapBlob("b0", GPA, 0, Optional.empty()).outcome().ok()).isTrue();
    }

    @ParameterizedTest(name = "rule 28b: rutabaga on QEMU {0} under {1} registers no migration blocker")
    @CsvSource({"8.2, STATUS_QUO", "8.2.1, STATUS_QUO", "9.2, STATUS_QUO", "9.2, RAM_COPY", "9.2, BLOB_AS_GPU_STATE"})
    void rule28b_rutabagaRegistersNoBlocker(String version, MigrationPolicy policy) {
        QemuConfig rutabaga =
                new QemuConfig(QemuVersion.of(version), false, true, IN_PROCESS, DMABUF_MMAP, KVM_ONLY, true);
        QemuModel q = imported(rutabaga, "b0", Placement.GTT_USWC);
        q.mapBlob("b0", GPA, 0, Optional.empty());

        assertThat(q.blockers(policy)).isEmpty();
        assertThat(q.saveCrash()).isEmpty();
    }

    @ParameterizedTest(name = "rule 32: QEMU {0} with a 2D blob: the source crashes in virtio_gpu_save")
    @CsvSource({"8.1.2", "8.1.1", "8.1", "8.0"})
    void rule32_qemu812CrashesOnSaveWith2dBlob(String version) {
        QemuModel q = imported(config(version, false, true), "b0", Placement.GUEST_RAM);
        q.mapBlob("b0", GPA, 0, Optional.empty());

        assertThat(q.blockers(MigrationPolicy.STATUS_QUO))
                .as("no blocker before 8.1.3")
                .isEmpty();
        assertThat(q.saveCrash())
                .contains("QEMU " + QemuVersion.of(version) + " crashed in virtio_gpu_save: a blob resource exists and"
                        + " this version has no blob migration support (DOMAIN rule 32)");
    }

    @Test
    void rule32_qemu812CrashesOnSaveOnceABlobResourceExistsEvenUnmapped() {
        QemuModel q = imported(config("8.1.2", false, true), "b0", Placement.GUEST_RAM);

        assertThat(q.saveCrash()).as("the resource exists from its creation on").isPresent();
    }

    @ParameterizedTest(name = "rule 32: QEMU {0} virgl={1} blob={2}: no save crash")
    @CsvSource({
        "8.1.3, false, true",
        "8.1.4, false, true",
        "8.2,   false, true",
        "9.2,   false, true",
        "8.1.2, false, false",
        "8.1.2, true,  false"
    })
    void rule32_noSaveCrashFrom813OrWithout2dBlobs(String version, boolean virgl, boolean blob) {
        QemuModel q = imported(config(version, virgl, blob), "b0", Placement.GUEST_RAM);
        q.mapBlob("b0", GPA, 0, Optional.empty());

        assertThat(q.saveCrash()).isEmpty();
    }

    @Test
    void rule32_qemu812WithoutAnyBlobResourceSavesFine() {
        assertThat(new QemuModel(config("8.1.2", false, true)).saveCrash()).isEmpty();
    }

    @Test
    void unmapBlobRemovesQemusMapping() {
        QemuModel q = imported(QemuConfig.defaults(), "b0", Placement.GTT_USWC);
        BlobSlot s = q.mapBlob("b0", GPA, 0, Optional.empty()).slot().orElseThrow();
        QemuModel.MapResult r = q.unmapBlob("b0");
        assertThat(r.outcome().ok()).isTrue();
        assertThat(r.slot()).contains(s);
        assertThat(r.outcome().observations()).containsExactly(new Observation.MappingGone("b0", Who.QEMU));
        assertThat(q.blobs()).isEmpty();
        assertThat(q.unmapBlob("b0").outcome().ok()).isFalse();
    }

    @ParameterizedTest(name = "rules 28, 29: under {0} migration reads hostmem blobs: {1}")
    @CsvSource({"STATUS_QUO, false", "RAM_COPY, true", "BLOB_AS_GPU_STATE, false"})
    void blobsReadByMigrationFollowThePolicy(MigrationPolicy policy, boolean hostmemRead) {
        QemuModel q = new QemuModel(config(IN_PROCESS, DMABUF_MMAP, KVM_ONLY));
        q.importDmaBuf(new DmaBuf("b0", 2L << 20, Placement.GTT_USWC.profile()));
        q.importDmaBuf(new DmaBuf("u0", 2L << 20, Placement.GUEST_RAM.profile()));
        q.mapBlob("b0", GPA, 0, Optional.empty());
        q.mapBlob("u0", GPA + (2L << 20), 0, Optional.empty());
        List<String> read =
                q.blobsReadByMigration(policy).stream().map(BlobSlot::buffer).toList();
        // a 2D udmabuf blob is guest RAM, which RAM migration copies whatever the policy (rule 32)
        if (hostmemRead) {
            assertThat(read).containsExactlyInAnyOrder("b0", "u0");
        } else {
            assertThat(read).containsExactly("u0");
        }
    }

    @Test
    void ramCopyReadsBlobsEvenWhenQemuNeverDereferencesThem() {
        // SCENARIOS.md: ram-copy copies blob pages through QEMU's mapping "whatever blob-access says"
        QemuModel q = imported(config(IN_PROCESS, DMABUF_MMAP, KVM_ONLY), "b0", Placement.GTT_USWC);
        q.mapBlob("b0", GPA, 0, Optional.empty());
        assertThat(q.blobsReadByMigration(MigrationPolicy.RAM_COPY))
                .extracting(BlobSlot::buffer)
                .containsExactly("b0");
    }
}
