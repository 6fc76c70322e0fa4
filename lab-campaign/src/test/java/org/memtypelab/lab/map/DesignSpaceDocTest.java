package org.memtypelab.lab.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.lab.run.LabCluster;

/**
 * The committed docs/design-space.md is what the map says today: the map is played afresh (every combination, on
 * the cluster below) and compared with the file. Also checks what DOMAIN 9 predicts about a few of its rows.
 */
class DesignSpaceDocTest {

    static final Path COMMITTED = Path.of("..", "docs", "design-space.md");

    static LabCluster cluster;
    static DesignSpaceMap map;
    static long millis;

    @BeforeAll
    static void playTheMap() {
        cluster = LabCluster.sim(); // the simulator plays the same node actors, deterministically, in milliseconds
        long start = System.nanoTime();
        map = DesignSpace.generate(new ClusterPlayer(cluster), (done, total, entry) -> {});
        millis = (System.nanoTime() - start) / 1_000_000;
    }

    @AfterAll
    static void stopTheCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void committedMapIsCurrent() throws Exception {
        String fresh = MapMarkdown.render(map);
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        if (!fresh.equals(committed)) {
            Path target = Path.of("target", "design-space.md");
            Files.createDirectories(target.getParent());
            Files.writeString(target, fresh, StandardCharsets.UTF_8);
        }
        assertThat(fresh)
                .as(
                        "docs/design-space.md is stale (the fresh map is in lab-campaign/target/design-space.md);"
                                + " regenerate it from the repository root: %s",
                        MapMarkdown.REGENERATE)
                .isEqualTo(committed);
    }

    @Test
    void everyPlayedRunCompletedAndTheMonitorAgreedWithItsTraces() {
        assertThat(map.unsound())
                .as("runs the monitor got wrong or that did not complete (%d ms)", millis)
                .isEmpty();
        assertThat(map.entries()).extracting(MapEntry::verdict).doesNotContain("incomplete");
    }

    @Test
    void statusQuoOnTheThreadsKernelAliasesGuestWbWithTheRenderersWc() {
        // DOMAIN 9 row 0: G = WB (EPT WB+IPAT, rule 10) vs R = WC, and the non-snooping GPU misses G's dirty lines
        MapEntry e = entry("status-quo", "intel-no-ss", "5.12", "amdgpu-uswc/qemu", "status-quo");
        assertThat(e.verdict()).isEqualTo("hazard");
        assertThat(e.hazards()).contains("memtype-alias guest/renderer", "non-snooped-dma guest/gpu");
        assertThat(e.guest()).isEqualTo("WB (EPT WB+IPAT)");
        assertThat(e.rules()).startsWith("rule 10");
        assertThat(e.migrationStatus()).isEqualTo("blocked"); // rule 27
    }

    @Test
    void amdgpuTtmPagesFaultFrom513UntilTheFixIn613() {
        // DOMAIN rule 28a
        for (String kernel : List.of("5.13", "6.11", "6.12.78")) {
            MapEntry e = entry("honor-guest-pat", "intel-ss", kernel, "amdgpu-uswc/qemu", "status-quo");
            assertThat(e.hazards()).as(kernel).containsExactly("guest-fault guest/qemu");
            assertThat(e.rules()).as(kernel).contains("rule 28a");
        }
        assertThat(entry("honor-guest-pat", "intel-ss", "6.13", "amdgpu-uswc/qemu", "status-quo")
                        .verdict())
                .isEqualTo("consistent");
    }

    @Test
    void onlyTheSixElevenReleaseCandidatesHonourGuestPatOnSelfSnoopHosts() {
        // DOMAIN rule 14, and its revert before 6.11 final (rule 10)
        MapEntry rc = entry("status-quo", "intel-ss", "6.11-rc3", "i915-wc/qemu", "status-quo");
        MapEntry release = entry("status-quo", "intel-ss", "6.11", "i915-wc/qemu", "status-quo");
        assertThat(rc.verdict()).isEqualTo("consistent");
        assertThat(rc.rules()).containsExactly("rule 14");
        assertThat(release.verdict()).isEqualTo("hazard");
        assertThat(release.rules()).contains("rule 10");
    }

    @Test
    void theQuirkCanBeDisabledOnlyOnSelfSnoopHostsWithAQuirkKernel() {
        // DOMAIN rule 15
        assertThat(entry("quirk-off", "intel-ss", "6.12.78", "i915-wc/qemu", "status-quo")
                        .verdict())
                .isEqualTo("consistent");
        for (MapEntry e : List.of(
                entry("quirk-off", "intel-ss", "6.13", "i915-wc/qemu", "status-quo"),
                entry("quirk-off", "intel-no-ss", "6.16", "i915-wc/qemu", "status-quo"),
                entry("quirk-off", "amd", "6.16", "i915-wc/qemu", "status-quo"))) {
            assertThat(e.verdict()).isEqualTo(MapEntry.NOT_APPLICABLE);
            assertThat(e.rules()).contains("rule 15");
        }
    }

    @Test
    void aSlotTakingTheExportersTypeNeverMatchesTheRendererInAGpuProcess() {
        // DOMAIN 9 rows 5 and 9: the i915 exporter's mmap is WB, the renderer's vkMapMemory WC; the guest gets WB,
        // whose dirty lines the non-snooping GPU misses (rule 10a) - an alias with the renderer only without self-snoop
        List<MapEntry> rows = map.entries().stream()
                .filter(e -> e.design().equals("dmabuf-slot-exporter-type")
                        && e.placement().equals("i915-wc/gpu-process"))
                .toList();
        assertThat(rows).isNotEmpty().allSatisfy(e -> {
            assertThat(e.guest()).startsWith("WB");
            assertThat(e.hazards()).contains("non-snooped-dma guest/gpu");
            assertThat(e.hazards().contains("memtype-alias guest/renderer"))
                    .isEqualTo(e.cpu().equals("intel-no-ss"));
        });
    }

    static MapEntry entry(String design, String cpu, String kernel, String placement, String migration) {
        List<MapEntry> found = map.entries().stream()
                .filter(e -> e.design().equals(design)
                        && e.cpu().equals(cpu)
                        && MapRows.release(e.kernel()).equals(kernel)
                        && e.placement().equals(placement)
                        && e.migration().equals(migration))
                .toList();
        assertThat(found)
                .as("%s %s %s %s %s", design, cpu, kernel, placement, migration)
                .hasSize(1);
        return found.get(0);
    }
}
