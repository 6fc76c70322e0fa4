package org.memtypelab.lab.bench;

/**
 * One line of the bench table: a figure and the baseline measured beside it in the same run, on the same machine.
 *
 * @param id the row number and a short key ({@code 1-sim}, {@code 6-create})
 * @param what what was measured, in words
 * @param figure the measured value, or 0 when the row was skipped
 * @param unit the figure's unit ({@code runs/min}, {@code ms}, {@code events/s})
 * @param baseline what the figure is compared with, in words
 * @param baselineFigure the baseline's value, in the same unit
 * @param method {@code timed} (warm-up, then wall clock over the stated count) or {@code JMH ...}
 * @param target the target for this figure, or empty
 * @param met whether the target held ({@code yes}, {@code no}, or empty without a target)
 * @param note how it was measured, or why it was skipped ({@code skipped: ...})
 */
public record Row(
        String id,
        String what,
        double figure,
        String unit,
        String baseline,
        double baselineFigure,
        String method,
        String target,
        String met,
        String note) {

    /** A row that was not measured in this run, and why. */
    public static Row skipped(String id, String what, String unit, String baseline, String why) {
        return new Row(id, what, 0, unit, baseline, 0, "", "", "", "skipped: " + why);
    }

    public boolean isSkipped() {
        return note.startsWith("skipped:");
    }

    /** figure / baseline, or 0 without a baseline. */
    public double ratio() {
        return baselineFigure == 0 ? 0 : figure / baselineFigure;
    }

    /** This row with its target and whether the figure met it. */
    public Row withTarget(String target, boolean held) {
        return new Row(id, what, figure, unit, baseline, baselineFigure, method, target, held ? "yes" : "no", note);
    }

    /** This row with {@code more} added to its note. */
    public Row noting(String more) {
        String n = note.isEmpty() ? more : note + "; " + more;
        return new Row(id, what, figure, unit, baseline, baselineFigure, method, target, met, n);
    }
}
