package org.memtypelab.core.kvm;

import java.util.Optional;
import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** The host CPU vendor: Intel uses EPT memtypes, AMD nested paging (DOMAIN 1.4, 1.5). */
public enum CpuVendor implements Labelled {
    INTEL,
    AMD;

    public static Optional<CpuVendor> parse(String s) {
        return Labels.parse(CpuVendor.class, s);
    }
}
