package org.memtypelab.lab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one bench run measured: the machine, every row with its baseline, and where the simulator's time went. */
public record BenchReport(
        Machine machine, String mode, String started, long seconds, List<Row> rows, Map<String, Object> details) {

    /** The file written beside the table. */
    public static final String FILE = "bench.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        rows = List.copyOf(rows);
        details = new LinkedHashMap<>(details);
    }

    /** The table: one line per row, figure beside baseline, then the notes. */
    public String table() {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"row", "measured", "figure", "baseline (same run)", "baseline", "ratio", "target", "how"
        });
        for (Row r : rows) {
            if (r.isSkipped()) {
                cells.add(new String[] {r.id(), r.what(), "-", r.baseline(), "-", "-", r.target(), "skipped"});
                continue;
            }
            String target = r.target().isEmpty() ? "" : r.target() + (r.met().equals("yes") ? " ok" : " MISSED");
            cells.add(new String[] {
                r.id(),
                r.what(),
                number(r.figure()) + " " + r.unit(),
                r.baseline(),
                r.baselineFigure() == 0 ? "-" : number(r.baselineFigure()) + " " + r.unit(),
                r.baselineFigure() == 0 ? "-" : ratio(r.ratio()),
                target,
                r.method()
            });
        }
        int[] width = new int[cells.get(0).length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("memtype-lab bench (")
                .append(mode)
                .append(")  ")
                .append(machine.describe())
                .append('\n');
        for (String[] line : cells) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                boolean numeric = i == 2 || i == 4 || i == 5;
                String cell = numeric
                        ? " ".repeat(width[i] - line[i].length()) + line[i]
                        : line[i] + " ".repeat(width[i] - line[i].length());
                l.append(cell).append(i + 1 < line.length ? "  " : "");
            }
            b.append(l.toString().stripTrailing()).append('\n');
        }
        b.append("notes\n");
        for (Row r : rows) {
            if (!r.note().isEmpty()) {
                b.append("  ").append(r.id()).append(": ").append(r.note()).append('\n');
            }
        }
        b.append("took ").append(seconds).append(" s\n");
        return b.toString();
    }

    /** bench.json: the machine, every row (with its ratio) and the details. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.set("machine", JSON.valueToTree(machine));
        root.put("mode", mode);
        root.put("started", started);
        root.put("seconds", seconds);
        ArrayNode list = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = JSON.valueToTree(r);
            o.put("ratio", r.ratio());
            o.put("skipped", r.isSkipped());
            list.add(o);
        }
        root.set("details", JSON.valueToTree(details));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #FILE} into {@code dir} and returns its path. */
    public Path write(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            Files.writeString(file, json());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** Three significant figures at most, thousands grouped. */
    static String number(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String ratio(double r) {
        return r >= 10 ? String.format(Locale.ROOT, "%,.0fx", r) : String.format(Locale.ROOT, "%.2fx", r);
    }
}
