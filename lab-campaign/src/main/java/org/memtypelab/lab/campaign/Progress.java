package org.memtypelab.lab.campaign;

/** Where a running campaign reports progress: a console progress bar, or nothing (tests). */
public interface Progress extends AutoCloseable {

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void update(int done, int total, String counts) {}

        @Override
        public void close() {}
    };

    /**
     * Runs finished so far out of {@code total}, and a short line of counts (hazard verdicts, missed, false, exit-3).
     */
    void update(int done, int total, String counts);

    @Override
    void close();
}
