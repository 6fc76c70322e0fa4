package org.memtypelab.lab.campaign;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on the terminal (me.tongfei:progressbar, as wide as the terminal): runs done, rate, ETA, and the
 * campaign's counts; where the console is not a terminal, {@link LineProgress} instead.
 */
public final class ConsoleProgress implements Progress {

    private final ProgressBar bar;

    private ConsoleProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar on a terminal, plain lines elsewhere ({@code out}: stderr, stdout carries results). */
    public static Progress forConsole(String name, int total, PrintStream out) {
        return System.console() != null ? start(name, total, out) : new LineProgress(name, out);
    }

    /** A bar for {@code total} runs written to {@code out} (stderr: stdout carries results). */
    public static ConsoleProgress start(String name, int total, PrintStream out) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(total)
                .setUnit(" runs", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .build();
        return new ConsoleProgress(bar);
    }

    @Override
    public void update(int done, int total, String counts) {
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(counts);
    }

    @Override
    public void close() {
        bar.close();
    }
}
