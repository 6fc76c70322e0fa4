package org.memtypelab.lab.map;

import java.util.ArrayList;
import java.util.List;

/**
 * The map's entries folded for reading. First, neighbouring kernel eras of one design, CPU, placement and migration
 * policy that give the same answer (verdict, hazards, migration outcome, guest type, deciding rules) become one row;
 * then, within one design, CPU and placement, rows for different migration policies with the same kernels and the
 * same answer (apart from the migration outcome) become one.
 *
 * @param kernels the kernels played, without the design suffix ({@code 5.12, 5.13}), or {@code all}
 * @param migrations each migration policy with its outcome: {@code ram-copy (completed)}
 */
record MapRows(MapEntry first, List<String> kernels, List<String> migrations) {

    /** The folded rows, in map order. */
    static List<MapRows> of(DesignSpaceMap map) {
        List<MapRows> byEra = new ArrayList<>();
        List<MapEntry> run = new ArrayList<>();
        for (MapEntry e : map.entries()) {
            if (!run.isEmpty()
                    && !(samePlatform(run.get(0), e, true) && run.get(0).sameAnswer(e))) {
                byEra.add(foldEras(run));
                run = new ArrayList<>();
            }
            run.add(e);
        }
        if (!run.isEmpty()) {
            byEra.add(foldEras(run));
        }
        List<MapRows> out = new ArrayList<>();
        int blockStart = 0;
        for (MapRows row : byEra) {
            if (!out.isEmpty() && !samePlatform(out.get(blockStart).first(), row.first(), false)) {
                blockStart = out.size();
            }
            MapRows merged = null;
            for (int i = blockStart; i < out.size() && merged == null; i++) {
                MapRows earlier = out.get(i);
                if (earlier.kernels().equals(row.kernels()) && earlier.first().sameAnswerBut(row.first())) {
                    List<String> migrations = new ArrayList<>(earlier.migrations());
                    migrations.addAll(row.migrations());
                    merged = new MapRows(earlier.first(), earlier.kernels(), List.copyOf(migrations));
                    out.set(i, merged);
                }
            }
            if (merged == null) {
                out.add(row);
            }
        }
        return List.copyOf(out);
    }

    private static boolean samePlatform(MapEntry a, MapEntry b, boolean migrationToo) {
        return a.design().equals(b.design())
                && a.cpu().equals(b.cpu())
                && a.placement().equals(b.placement())
                && (!migrationToo || a.migration().equals(b.migration()));
    }

    private static MapRows foldEras(List<MapEntry> run) {
        List<String> kernels = run.stream().map(e -> release(e.kernel())).toList();
        MapEntry e = run.get(0);
        String migration = e.migration() + ("-".equals(e.migrationStatus()) ? "" : " (" + e.migrationStatus() + ")");
        return new MapRows(e, kernels.size() == Axes.ERAS.size() ? List.of("all") : kernels, List.of(migration));
    }

    /** The kernel without its design suffix. */
    static String release(String kernel) {
        int plus = kernel.indexOf('+');
        return plus < 0 ? kernel : kernel.substring(0, plus);
    }
}
