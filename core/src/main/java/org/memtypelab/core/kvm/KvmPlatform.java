package org.memtypelab.core.kvm;

import java.util.ArrayList;
import java.util.List;

/**
 * The host and VM configuration KVM's memtype choice depends on and that does not change per page: CPU vendor,
 * kernel (with design patches), SELFSNOOP, and the two quirks as userspace left them.
 */
public record KvmPlatform(
        CpuVendor cpu, KvmVersion kvm, boolean selfSnoop, boolean ignoreGuestPatQuirk, boolean cdNwQuirk) {

    /** The {@code explain} and scenario defaults: Intel, kvm 6.16, self-snoop, both quirks on (SCENARIOS.md). */
    public static KvmPlatform defaults() {
        return new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 16), true, true, true);
    }

    /** Whether this kernel and CPU have KVM_X86_QUIRK_IGNORE_GUEST_PAT at all (rule 15: Intel, v6.16+). */
    public boolean hasIgnoreGuestPatQuirk() {
        return cpu == CpuVendor.INTEL && kvm.atLeast(6, 16);
    }

    /**
     * What KVM would refuse about the quirk setting, given whether the user stated it explicitly. Empty when the
     * configuration is one KVM accepts (DOMAIN 2.3, rule 15).
     */
    public List<String> quirkProblems(boolean quirkStated) {
        List<String> problems = new ArrayList<>();
        if (!quirkStated) {
            return problems;
        }
        if (cpu == CpuVendor.AMD) {
            problems.add(
                    "the IGNORE_GUEST_PAT quirk does not exist on AMD (NPT never ignores guest PAT; DOMAIN rule 15)");
        } else if (!kvm.atLeast(6, 16)) {
            problems.add("kernel " + kvm + " has no IGNORE_GUEST_PAT quirk (added in 6.16; DOMAIN rule 15)");
        } else if (!ignoreGuestPatQuirk && !selfSnoop) {
            problems.add("KVM refuses to disable IGNORE_GUEST_PAT on a host without self-snoop (DOMAIN 2.3, rule 15)");
        }
        return problems;
    }

    /**
     * Whether KVM may ignore guest PAT on this platform, i.e. whether non-coherent DMA transitions zap SPTEs
     * ({@code kvm_mmu_may_ignore_guest_pat()}, DOMAIN 2.4).
     */
    public boolean mayIgnoreGuestPat() {
        if (cpu == CpuVendor.AMD || kvm.has(DesignPatch.HONOR_GUEST_PAT) || kvm.has(DesignPatch.INSPECT_HVA)) {
            return false;
        }
        return switch (kvm.era()) {
            case UP_TO_6_6, V6_7_TO_6_10, V6_12_TO_6_15 -> true;
            case V6_11 -> !selfSnoop; // 377b2f359d1f
            case V6_16_ON -> ignoreGuestPatQuirk; // c9c1e20b4c7d
        };
    }
}
