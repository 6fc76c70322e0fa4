package org.memtypelab.core.kvm;

import java.util.ArrayList;
import java.util.List;

/**
 * The host and VM configuration KVM's memtype choice depends on and that does not change per page: CPU vendor,
 * kernel (with design patches), SELFSNOOP, and the two quirks as userspace left them.
 *
 * @param selfSnoop CPUID.1:EDX[27], an Intel feature: always false on AMD (DOMAIN rule 15a)
 * @param vfioNoncoherent the VM starts with a VFIO device without IOMMU snoop control attached (rule 16)
 */
public record KvmPlatform(
        CpuVendor cpu,
        KvmVersion kvm,
        boolean selfSnoop,
        boolean ignoreGuestPatQuirk,
        boolean cdNwQuirk,
        boolean vfioNoncoherent) {

    /** A platform whose VM starts without non-coherent DMA. */
    public KvmPlatform(
            CpuVendor cpu, KvmVersion kvm, boolean selfSnoop, boolean ignoreGuestPatQuirk, boolean cdNwQuirk) {
        this(cpu, kvm, selfSnoop, ignoreGuestPatQuirk, cdNwQuirk, false);
    }

    public KvmPlatform {
        if (cpu == CpuVendor.AMD && selfSnoop) {
            throw new IllegalArgumentException(SELF_SNOOP_ON_AMD);
        }
    }

    /** Why {@code self-snoop} cannot be stated for an AMD host (DOMAIN rule 15a). */
    public static final String SELF_SNOOP_ON_AMD =
            "self-snoop (CPUID.1:EDX[27]) is an Intel feature that KVM reads only"
                    + " on VMX; it does not exist on AMD (DOMAIN rule 15a)";

    /** The {@code explain} and scenario defaults: Intel, kvm 6.16, self-snoop, both quirks on (SCENARIOS.md). */
    public static KvmPlatform defaults() {
        return new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 16), true, true, true);
    }

    /** The self-snoop default for a CPU vendor: Intel has it (Ivy Bridge and later), AMD never (rule 15a). */
    public static boolean defaultSelfSnoop(CpuVendor cpu) {
        return cpu == CpuVendor.INTEL;
    }

    /** Whether this kernel and CPU have KVM_X86_QUIRK_IGNORE_GUEST_PAT at all (rule 15: Intel, 6.16+, 6.12.78+). */
    public boolean hasIgnoreGuestPatQuirk() {
        return cpu == CpuVendor.INTEL && kvm.era() == KvmEra.QUIRK;
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
        } else if (kvm.era() != KvmEra.QUIRK) {
            problems.add("kernel " + kvm.release() + " has no IGNORE_GUEST_PAT quirk (added in 6.16, and in 6.12.y"
                    + " from 6.12.78; DOMAIN rule 15)");
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
        if (cpu == CpuVendor.AMD || kvm.has(DesignPatch.HONOR_GUEST_PAT)) {
            return false;
        }
        return switch (kvm.era()) {
            case UP_TO_6_6, V6_7_TO_6_10, V6_11_TO_6_15 -> true; // 6.11 final - 6.15: shadow_memtype_mask
            case V6_11_RC -> !selfSnoop; // 377b2f359d1f
            case QUIRK -> ignoreGuestPatQuirk; // c9c1e20b4c7d
        };
    }
}
