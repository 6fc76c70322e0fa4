package org.memtypelab.lab.campaign;

/** Where a running campaign reports progress: a console progress bar, or nothing (tests). */
public interface Progress extends AutoCloseable {

    /** Reports nothing. */
    Progress NONE = (done, total, counts) -> {};

    /**
     * Runs finished so far out of {@code total}, and a short line of counts (hazard verdicts, missed, false, exit-3).
     */
    void update(int done, int total, String counts);

    /** Every run of {@code cell} finished; {@code done} and {@code total} count runs as in {@link #update}. */
    default void cellDone(CellResult cell, int done, int total) {}

    /** Ends the report (a console bar ends its line); nothing to end by default. */
    @Override
    default void close() {}
}
