package org.memtypelab.lab.campaign;

import java.io.PrintStream;
import org.memtypelab.core.coherency.Verdict;

/**
 * Progress for a console that is not a terminal (piped, redirected to a file, CI): no bar redrawn in place, but one
 * plain line per finished cell, which reads well in a log.
 */
public final class LineProgress implements Progress {

    private final String name;
    private final PrintStream out;

    public LineProgress(String name, PrintStream out) {
        this.name = name;
        this.out = out;
    }

    @Override
    public void update(int done, int total, String counts) {}

    @Override
    public void cellDone(CellResult cell, int done, int total) {
        out.println(line(name, cell, done, total));
        out.flush();
    }

    /** {@code thousand-runs 153/1020 runs: cell 03-5.6-false-amdgpu-gtt-uswc done, hazard 40 missed 0 false 0 exit-3 8}. */
    static String line(String name, CellResult cell, int done, int total) {
        return name + " " + done + "/" + total + " runs: cell " + cell.cell().id() + " done, hazard "
                + cell.verdicts().get(Verdict.HAZARD) + " missed "
                + cell.missed().size() + " false "
                + cell.falseHazards().size() + " exit-3 " + cell.exit3()
                + (cell.failed() ? " FAILED" : "");
    }
}
