package org.memtypelab.lab.scenario;

import java.util.Objects;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;

/**
 * The host a scenario runs on: CPU, kernel (with design patches), self-snoop, the IGNORE_GUEST_PAT quirk and whether
 * non-coherent DMA is attached from the start (SCENARIOS.md, platform; DOMAIN 2.3, rule 16).
 *
 * @param quirkStated whether the file set {@code ignore-guest-pat-quirk} explicitly (KVM rejects it on some hosts)
 * @param cdNwQuirk KVM_X86_QUIRK_CD_NW_CLEARED as userspace left it (default on; rules 6a, 11, 12)
 */
public record Platform(
        CpuVendor cpu,
        boolean selfSnoop,
        KvmVersion kvm,
        boolean ignoreGuestPatQuirk,
        boolean quirkStated,
        boolean noncoherentDma,
        boolean cdNwQuirk) {

    public Platform {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(kvm, "kvm");
    }

    /** A platform with CD_NW_CLEARED left on. */
    public Platform(
            CpuVendor cpu,
            boolean selfSnoop,
            KvmVersion kvm,
            boolean ignoreGuestPatQuirk,
            boolean quirkStated,
            boolean noncoherentDma) {
        this(cpu, selfSnoop, kvm, ignoreGuestPatQuirk, quirkStated, noncoherentDma, true);
    }

    /** The {@code explain} defaults: Intel, self-snoop, kvm 6.16, quirk on (not stated), no non-coherent DMA. */
    public static Platform defaults() {
        return new Platform(CpuVendor.INTEL, true, KvmVersion.of(6, 16), true, false, false, true);
    }

    /** What decides which memory-type pairs stay coherent on this platform: the CPU vendor and self-snoop. */
    public Coherence coherence() {
        return new Coherence(cpu, selfSnoop);
    }

    /** The core view of this platform. */
    public KvmPlatform kvmPlatform() {
        return new KvmPlatform(cpu, kvm, selfSnoop, ignoreGuestPatQuirk, cdNwQuirk, noncoherentDma);
    }
}
