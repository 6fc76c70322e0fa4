package org.memtypelab.core.memtype;

import static org.memtypelab.core.memtype.MemType.UC;
import static org.memtypelab.core.memtype.MemType.WB;
import static org.memtypelab.core.memtype.MemType.WC;
import static org.memtypelab.core.memtype.MemType.WP;
import static org.memtypelab.core.memtype.MemType.WT;

import java.util.EnumMap;
import java.util.Map;

/** Intel SDM Table 11-7: the effective page-level type of an MTRR type and a PAT type (DOMAIN 1.3, rule 1). */
public final class MtrrPatTable {

    /** One cell: the effective type, the footnote it carries, and whether old SDMs called it undefined. */
    public record Cell(MemType type, Snoop snoop, boolean formerlyUndefined) {}

    private static final Map<MemType, Map<MemType, Cell>> GRID = new EnumMap<>(MemType.class);

    static {
        // Columns in SDM order: UC, UC-, WC, WT, WB, WP. "1" = footnote 1, "2" = footnote 2, "3" = footnote 3.
        row(UC, "UC1", "UC1", "WC", "UC1", "UC1", "UC1");
        row(WC, "UC2", "WC", "WC", "UC23", "WC", "UC23");
        row(WT, "UC2", "UC2", "WC", "WT", "WT", "WP3");
        row(WB, "UC2", "UC2", "WC", "WT", "WB", "WP");
        row(WP, "UC2", "WC3", "WC", "WT3", "WP", "WP");
    }

    private MtrrPatTable() {}

    private static void row(MemType mtrr, String... cells) {
        Map<MemType, Cell> row = new EnumMap<>(MemType.class);
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            MemType type = MemType.parse(c.replaceAll("[0-9]", "")).orElseThrow();
            Snoop snoop = c.contains("1")
                    ? Snoop.UC_FROM_MTRR_NO_SNOOP
                    : c.contains("2") ? Snoop.UC_FROM_PAT_SNOOPS : Snoop.NONE;
            row.put(MemType.PAT_TYPES.get(i), new Cell(type, snoop, c.contains("3")));
        }
        GRID.put(mtrr, row);
    }

    /**
     * The cell for an MTRR (or, under EPT with IPAT=0, the EPT type) and a PAT type.
     *
     * @throws IllegalArgumentException if {@code mtrr} is not an MTRR type or {@code pat} not a PAT type
     */
    public static Cell lookup(MemType mtrr, MemType pat) {
        if (!mtrr.isValidMtrr()) {
            throw new IllegalArgumentException(
                    mtrr + " is not an MTRR type; allowed: " + MemType.labels(MemType.MTRR_TYPES));
        }
        if (!pat.isValidPat()) {
            throw new IllegalArgumentException(
                    pat + " is not a PAT type; allowed: " + MemType.labels(MemType.PAT_TYPES));
        }
        return GRID.get(mtrr).get(pat);
    }

    /** The effective type alone. */
    public static MemType effective(MemType mtrr, MemType pat) {
        return lookup(mtrr, pat).type();
    }
}
