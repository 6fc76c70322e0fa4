package org.memtypelab.lab.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.memtype.MemType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters that accept a memory type only where it is valid (DOMAIN 1.1), and the small vocabularies of
 * other options.
 */
final class MemTypeConverters {

    private MemTypeConverters() {}

    static MemType convert(String value, List<MemType> allowed, String role) {
        MemType t = MemType.parse(value)
                .orElseThrow(() -> new TypeConversionException(
                        "'" + value + "' is not a memory type; allowed: " + MemType.labels(allowed)));
        if (!allowed.contains(t)) {
            throw new TypeConversionException(t + " is not valid as " + role + "; allowed: " + MemType.labels(allowed));
        }
        return t;
    }

    /** A PAT entry type: UC, UC-, WC, WT, WB, WP. */
    static final class Pat implements ITypeConverter<MemType> {
        @Override
        public MemType convert(String value) {
            return MemTypeConverters.convert(value, MemType.PAT_TYPES, "a PAT type");
        }
    }

    /** An MTRR type: UC, WC, WT, WB, WP. */
    static final class Mtrr implements ITypeConverter<MemType> {
        @Override
        public MemType convert(String value) {
            return MemTypeConverters.convert(value, MemType.MTRR_TYPES, "an MTRR type");
        }
    }

    /** An EPT leaf type given by name, or by its bits 5:3 (0-7, where 2, 3 and 7 are reserved: rule 5). */
    static final class EptBits implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.trim().matches("[0-7]")) {
                return Integer.parseInt(value.trim());
            }
            MemType t = MemTypeConverters.convert(value, MemType.EPT_TYPES, "an EPT type (or bits 0-7)");
            return t.eptEncoding().orElseThrow();
        }
    }

    /** {@code on|off}, also {@code true|false}. */
    static final class OnOff implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new TypeConversionException("'" + value + "' is not on|off; allowed: on, off");
            };
        }
    }

    /**
     * Any enum by its lower-case label ({@code embedded}, {@code benign-alias}); also its constant's name in any case.
     * Its error lists the labels: {@code 'bogus' is not one of embedded, processes}.
     */
    static final class EnumLabels implements ITypeConverter<Object> {
        private final Class<?> type;

        EnumLabels(Class<?> type) {
            if (!type.isEnum()) {
                throw new IllegalArgumentException("not an enum: " + type);
            }
            this.type = type;
        }

        @Override
        public Object convert(String value) {
            String v = value.trim();
            for (Object c : type.getEnumConstants()) {
                if (label(c).equalsIgnoreCase(v) || ((Enum<?>) c).name().equalsIgnoreCase(v)) {
                    return c;
                }
            }
            throw new TypeConversionException("'" + value + "' is not one of " + String.join(", ", labels(type)));
        }

        /** The labels of an enum's constants, in declaration order. */
        static String[] labels(Class<?> type) {
            return Arrays.stream(type.getEnumConstants()).map(EnumLabels::label).toArray(String[]::new);
        }

        private static String label(Object constant) {
            return constant instanceof Labelled l
                    ? l.label()
                    : ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
