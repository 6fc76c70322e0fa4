package org.memtypelab.core.memtype;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** An x86 CPU memory type, with its PAT, MTRR and EPT encodings (DOMAIN 1.1; AMD WC+ and CD: DOMAIN 1.5). */
public enum MemType {
    UC("UC", 0x00, 0x00, 0x0),
    WC("WC", 0x01, 0x01, 0x1),
    WT("WT", 0x04, 0x04, 0x4),
    WP("WP", 0x05, 0x05, 0x5),
    WB("WB", 0x06, 0x06, 0x6),
    /** PAT-only: UC that a WC MTRR may override; not an MTRR or EPT type (DOMAIN 1.1). */
    UC_MINUS("UC-", 0x07, -1, -1),
    /** AMD: uncacheable write-combining that snoops caches (DOMAIN 1.5, rule 6). */
    WC_PLUS("WC+", -1, -1, -1),
    /** AMD: cache-disabled, behaves as UC (DOMAIN 1.5, rule 6). */
    CD("CD", -1, -1, -1);

    /** The six types of the Intel PAT column, in the SDM's column order (DOMAIN 1.3). */
    public static final List<MemType> PAT_TYPES = List.of(UC, UC_MINUS, WC, WT, WB, WP);
    /** The five MTRR types, in the SDM's row order (DOMAIN 1.3). */
    public static final List<MemType> MTRR_TYPES = List.of(UC, WC, WT, WB, WP);
    /** The types an EPT leaf may carry (DOMAIN 1.1, rule 5). */
    public static final List<MemType> EPT_TYPES = List.of(UC, WC, WT, WP, WB);

    private final String label;
    private final int patEncoding;
    private final int mtrrEncoding;
    private final int eptEncoding;

    MemType(String label, int patEncoding, int mtrrEncoding, int eptEncoding) {
        this.label = label;
        this.patEncoding = patEncoding;
        this.mtrrEncoding = mtrrEncoding;
        this.eptEncoding = eptEncoding;
    }

    /** The spelling used in output, YAML and JSON: {@code UC-}, {@code WC+}, ... */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** IA32_PAT entry encoding, or empty for types PAT cannot express. */
    public Optional<Integer> patEncoding() {
        return patEncoding < 0 ? Optional.empty() : Optional.of(patEncoding);
    }

    /** MTRR type encoding, or empty (UC- and the AMD types have none). */
    public Optional<Integer> mtrrEncoding() {
        return mtrrEncoding < 0 ? Optional.empty() : Optional.of(mtrrEncoding);
    }

    /** EPT leaf bits 5:3, or empty (UC- is not valid in EPT). */
    public Optional<Integer> eptEncoding() {
        return eptEncoding < 0 ? Optional.empty() : Optional.of(eptEncoding);
    }

    public boolean isValidPat() {
        return PAT_TYPES.contains(this);
    }

    public boolean isValidMtrr() {
        return MTRR_TYPES.contains(this);
    }

    public boolean isValidEpt() {
        return EPT_TYPES.contains(this);
    }

    /** Whether lines of this type may be held in the CPU caches (WB, WT and WP cache reads). */
    public boolean isCacheable() {
        return this == WB || this == WT || this == WP;
    }

    /** Whether writes through this type are buffered in write-combining buffers rather than the cache. */
    public boolean isWriteCombining() {
        return this == WC || this == WC_PLUS;
    }

    /** Parses a type name case-insensitively; {@code UC_MINUS} and {@code WC_PLUS} are accepted too. */
    public static Optional<MemType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (MemType m : values()) {
            if (m.label.equals(t) || m.name().equals(t)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The EPT type with the given bits 5:3, or empty for the reserved values 2, 3 and 7 (rule 5). */
    public static Optional<MemType> fromEptEncoding(int bits) {
        return Arrays.stream(values()).filter(m -> m.eptEncoding == bits).findFirst();
    }

    /** The PAT type with the given entry encoding, or empty for the reserved encodings 2 and 3 (DOMAIN 1.1). */
    public static Optional<MemType> fromPatEncoding(int bits) {
        return Arrays.stream(values()).filter(m -> m.patEncoding == bits).findFirst();
    }

    /** "UC, UC-, WC, ..." for error messages. */
    public static String labels(List<MemType> types) {
        return types.stream().map(MemType::label).collect(Collectors.joining(", "));
    }
}
