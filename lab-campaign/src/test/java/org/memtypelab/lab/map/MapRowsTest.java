package org.memtypelab.lab.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding the map for reading: neighbouring eras with one answer, then migration policies with one answer. */
class MapRowsTest {

    static MapEntry entry(String kernel, String migration, String verdict, String status) {
        return new MapEntry(
                "status-quo",
                "0",
                "intel-ss",
                kernel,
                kernel,
                "i915-wc/qemu",
                migration,
                verdict,
                List.of(),
                status,
                "WB (EPT WB+IPAT)",
                List.of("rule 10"),
                List.of("because"),
                true);
    }

    @Test
    void neighbouringErasWithTheSameAnswerFoldAndAnEraBetweenThemSplits() {
        List<MapEntry> entries = new ArrayList<>();
        for (Axes.Era e : Axes.ERAS) {
            entries.add(entry(
                    e.kernel(), "status-quo", e.kernel().equals("6.11-rc3") ? "consistent" : "hazard", "blocked"));
        }
        List<MapRows> rows = MapRows.of(new DesignSpaceMap(entries));
        assertThat(rows)
                .extracting(MapRows::kernels)
                .containsExactly(
                        List.of("5.12", "5.13"), List.of("6.11-rc3"), List.of("6.11", "6.12.78", "6.13", "6.16"));
    }

    @Test
    void migrationPoliciesWithTheSameAnswerShareARowAndKeepTheirOutcomes() {
        List<MapEntry> entries = new ArrayList<>();
        for (String m : List.of("status-quo", "ram-copy", "blob-as-gpu-state")) {
            for (Axes.Era e : Axes.ERAS) {
                entries.add(entry(
                        e.kernel(),
                        m,
                        m.equals("ram-copy") ? "hazard" : "consistent",
                        m.equals("status-quo") ? "blocked" : "completed"));
            }
        }
        List<MapRows> rows = MapRows.of(new DesignSpaceMap(entries));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).kernels()).containsExactly("all");
        assertThat(rows.get(0).migrations()).containsExactly("status-quo (blocked)", "blob-as-gpu-state (completed)");
        assertThat(rows.get(1).migrations()).containsExactly("ram-copy (completed)");
    }
}
