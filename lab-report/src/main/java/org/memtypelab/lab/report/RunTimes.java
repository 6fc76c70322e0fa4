package org.memtypelab.lab.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The distribution of a campaign's run wall times (each run's result.json {@code wall_ms}) as an SVG histogram: faulty
 * runs and oracle runs stacked per bin, with the median, 90th percentile and maximum under it.
 */
final class RunTimes {

    private static final int BINS = 20;
    private static final int W = 760;
    private static final int H = 220;
    private static final int LEFT = 48;
    private static final int BOTTOM = 36;

    private RunTimes() {}

    static void render(Html h, Map<String, List<CampaignReport.RunLink>> runs) {
        long[] all = runs.values().stream()
                .flatMap(List::stream)
                .filter(r -> r.wallMs() >= 0)
                .mapToLong(CampaignReport.RunLink::wallMs)
                .sorted()
                .toArray();
        if (all.length == 0) {
            h.el("p", "muted", "No run has a result.json with its wall time yet.");
            return;
        }
        long max = all[all.length - 1];
        long width = binWidth(max);
        int bins = (int) (max / width) + 1;
        int[] faulty = new int[bins];
        int[] oracle = new int[bins];
        runs.values().stream()
                .flatMap(List::stream)
                .filter(r -> r.wallMs() >= 0)
                .forEach(r -> {
                    int bin = (int) Math.min(bins - 1, r.wallMs() / width);
                    if (r.name().equals("oracle")) {
                        oracle[bin]++;
                    } else {
                        faulty[bin]++;
                    }
                });
        int top = 0;
        for (int i = 0; i < bins; i++) {
            top = Math.max(top, faulty[i] + oracle[i]);
        }
        double plotH = H - BOTTOM - 12;
        double barW = (W - LEFT - 10) / (double) bins;
        int tickEvery = (bins + 4) / 5;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"runtimes\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" role=\"img\"><title>run wall times of ")
                .append(all.length)
                .append(" runs</title>");
        int base = H - BOTTOM;
        s.append(line(LEFT, base, W - 10, base)).append(line(LEFT, 12, LEFT, base));
        for (int i = 0; i < bins; i++) {
            double x = LEFT + i * barW + 1;
            double hf = faulty[i] * plotH / top;
            double ho = oracle[i] * plotH / top;
            String range = (i * width) + "-" + ((i + 1) * width) + " ms";
            if (faulty[i] > 0) {
                s.append(bar("bar", x, base - hf, barW - 2, hf, faulty[i] + " faulty runs, " + range));
            }
            if (oracle[i] > 0) {
                s.append(bar("bar oracle", x, base - hf - ho, barW - 2, ho, oracle[i] + " oracle runs, " + range));
            }
            if (i % tickEvery == 0 && bins - i >= tickEvery) { // none crowding the end label
                s.append(text(x, base + 14, "start", seconds(i * width)));
            }
        }
        s.append(text(W - 10, base + 14, "end", seconds(bins * width)));
        s.append(text(LEFT - 6, 16, "end", String.valueOf(top)))
                .append(text(LEFT - 6, base, "end", "0"))
                .append(text(LEFT + (W - LEFT) / 2.0, H - 4, "middle", "wall time of a run (s); bars: runs"));
        s.append("</svg>");
        h.raw(s.toString());
        h.el(
                "p",
                "muted",
                all.length + " runs (purple: oracle runs): median " + seconds(percentile(all, 50)) + " s, p90 "
                        + seconds(percentile(all, 90)) + " s, max " + seconds(max) + " s.");
    }

    /** The smallest of 1, 2 or 5 times a power of ten ms per bin that puts {@code max} into one of the bins. */
    static long binWidth(long max) {
        for (long scale = 1; ; scale *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * scale * BINS > max) {
                    return m * scale;
                }
            }
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, ms < 10_000 ? "%.1f" : "%.0f", ms / 1000.0);
    }

    private static String line(double x1, double y1, double x2, double y2) {
        return String.format(
                Locale.ROOT, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x1, y1, x2, y2);
    }

    private static String bar(String cls, double x, double y, double w, double h, String title) {
        return String.format(
                Locale.ROOT,
                "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s</title></rect>",
                cls,
                x,
                y,
                w,
                h,
                Html.escape(title));
    }

    private static String text(double x, double y, String anchor, String t) {
        return String.format(
                Locale.ROOT,
                "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>",
                x,
                y,
                anchor,
                Html.escape(t));
    }
}
