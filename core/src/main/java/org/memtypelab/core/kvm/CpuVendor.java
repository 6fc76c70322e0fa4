package org.memtypelab.core.kvm;

import java.util.Locale;
import java.util.Optional;

/** The host CPU vendor: Intel uses EPT memtypes, AMD nested paging (DOMAIN 1.4, 1.5). */
public enum CpuVendor {
    INTEL,
    AMD;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CpuVendor> parse(String s) {
        for (CpuVendor v : values()) {
            if (v.label().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
