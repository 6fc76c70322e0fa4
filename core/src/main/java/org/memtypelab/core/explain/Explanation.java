package org.memtypelab.core.explain;

import java.util.Optional;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;

/** The answer of {@code explain}: which memory type an access gets, and the rules that led there. */
public record Explanation(
        Explainer.Form form, CpuVendor cpu, Optional<KvmVersion> kvm, Optional<Ept.Entry> ept, Effective effective) {}
