package org.memtypelab.lab.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memtypelab.core.kvm.DesignPatch;
import org.memtypelab.core.migration.MigrationPolicy;

/**
 * The five axes of the design-space map (issue 9, section 3): design option x kernel era x CPU x driver placement x
 * migration policy. Each value is a scenario input; the answers come from playing the scenarios.
 */
public final class Axes {

    private Axes() {}

    /**
     * A design option: a kernel suffix of DOMAIN 9 ({@code +kvm-mem-dma}), or the status quo with no suffix, or the
     * status quo with the IGNORE_GUEST_PAT quirk disabled by the VMM (what mainline offers since 6.16, rule 15).
     *
     * @param id the name in the map and in scenario names
     * @param row the row of DOMAIN 9's table it is
     * @param patch the kernel suffix, empty for the status quo
     * @param quirkOff the VMM disables KVM_X86_QUIRK_IGNORE_GUEST_PAT
     */
    public record Design(String id, String row, String title, Optional<DesignPatch> patch, boolean quirkOff) {

        /** The kernel version string the scenario states: {@code 6.12+kvm-mem-dma}. */
        public String kernel(String release) {
            return release + patch.map(p -> "+" + p.suffix()).orElse("");
        }

        /** Whether the VMM sets the {@code kvm-mem-dma} flag on the blob's memslot (options 1, 1c, 6). */
        public boolean slotFlag() {
            return patch.map(p -> DesignPatch.slotFlag(java.util.Set.of(p)) || p == DesignPatch.DMA_EXCLUDES_DIRTY_LOG)
                    .orElse(false);
        }

        /** Whether the VMM gives the blob's memslot a forced type (option 4). */
        public boolean slotMemtype() {
            return patch.filter(p -> p == DesignPatch.SLOT_MEMTYPE).isPresent();
        }

        /**
         * Option 1b changes only an EPT UC for RAM, which KVM produces only under non-coherent DMA with a guest MTRR UC
         * (DOMAIN 9 row 1b, rule 11); its rows play that case (a VFIO device without snoop control, the blob under a
         * guest MTRR UC range).
         */
        public boolean guestMtrrUcWithVfio() {
            return patch.filter(p -> p == DesignPatch.UC_TO_WC).isPresent();
        }
    }

    /** The status quo: no design patch. */
    public static final Design STATUS_QUO =
            new Design("status-quo", "0", "status quo (KVM as released)", Optional.empty(), false);

    /** The status quo with the quirk disabled: DOMAIN 9 row 2 in mainline ("= v6.16+ / 6.12.78+ quirk disabled"). */
    public static final Design QUIRK_OFF = new Design(
            "quirk-off",
            "2 (mainline)",
            "VMM disables KVM_X86_QUIRK_IGNORE_GUEST_PAT (6.16+, 6.12.78+)",
            Optional.empty(),
            true);

    /** Every design: the status quo, every kernel suffix core knows (in DesignPatch order), and the quirk opt-out. */
    public static List<Design> designs() {
        List<Design> out = new ArrayList<>();
        out.add(STATUS_QUO);
        for (DesignPatch p : DesignPatch.values()) {
            out.add(design(p));
        }
        out.add(QUIRK_OFF);
        return List.copyOf(out);
    }

    private static Design design(DesignPatch p) {
        // DOMAIN 9: the row each suffix implements; a new suffix must be placed here (the switch is exhaustive)
        String[] rowTitle = switch (p) {
            case KVM_MEM_DMA -> new String[] {"1", "KVM_MEM_DMA slot flag, VM-wide non-coherent (Chia-I's RFC)"};
            case UC_TO_WC -> new String[] {"1b", "EPT UC becomes WC for pages that are not MMIO (Paolo; rejected)"};
            case HONOR_GUEST_PAT -> new String[] {"2", "honor guest PAT unless MMIO (Chia-I's fallback)"};
            case INSPECT_HVA -> new String[] {"3", "host UC/WC behind the hva triggers the non-coherent path (Kevin)"};
            case FORCE_HOST_TYPE -> new String[] {"3", "guest gets the host mapping's type, forced (Chia-I)"};
            case SLOT_MEMTYPE -> new String[] {"4", "per-slot forced type, the renderer's (Kevin; Yan 2023)"};
            case DMABUF_SLOT_GUEST_TYPE -> new String[] {"5", "memslot from the dma-buf fd honours the guest type"};
            case DMABUF_SLOT_EXPORTER_TYPE -> new String[] {"5", "memslot from the dma-buf fd takes the exporter type"};
            case DMA_EXCLUDES_DIRTY_LOG -> new String[] {"6", "KVM_MEM_DMA, forced WB while dirty logging (Sean)"};
            case SLOT_NONCOHERENT -> new String[] {"1c", "per-slot non-coherent-DMA flag (Yan 2024)"};
        };
        return new Design(p.suffix(), rowTitle[0], rowTitle[1], Optional.of(p), false);
    }

    /**
     * A kernel era: a range of kernels that answers every map scenario alike, and the kernel played for it.
     *
     * @param kernel the version played
     * @param range the kernels it stands for
     * @param why the DOMAIN rules that set it apart from its neighbours
     */
    public record Era(String kernel, String range, String why) {}

    /**
     * The eras whose answers differ for the map's flows (no guest CR0.CD toggle, no VFIO device attached mid-run).
     * Kernels inside one era give the same answers, so one kernel stands for each.
     */
    public static final List<Era> ERAS = List.of(
            // DOMAIN 2.2 row "<= v6.6" and rule 28a's lower bound: before f8be156be163 KVM still maps amdgpu/TTM tail
            // pages; the thread's 5.6 is in this era. 5.12.14+ carries the backport (rule 28a) and is not played.
            new Era("5.12", "<= 5.12 (the thread's 5.6)", "rules 10, 11; before rule 28a"),
            // DOMAIN rule 28a: from 5.13 refcount-0 PFNMAP pages fault (KVM_RUN EFAULT). 6.7-6.10 (rule 12, rule 17)
            // differ from 5.13-6.6 only for guest CR0.CD=1 and non-coherent DMA transitions, which no map flow has.
            new Era("5.13", "5.13 - 6.10", "rule 28a: refcount-0 PFNMAP pages fault; rules 10, 11/12"),
            // DOMAIN rule 14: 377b2f359d1f honoured guest PAT on self-snoop CPUs in 6.11-rc1..rc7 only; rule 13
            new Era("6.11-rc3", "6.11-rc1 - rc7", "rule 14: self-snoop CPUs honour guest PAT; rule 13; rule 28a"),
            // DOMAIN rules 10 and 13: the revert (9d70f3fec144) is in 6.11 final; 6.11.y and 6.12.0-6.12.77 are the
            // same era (DOMAIN 2.2 table), so 6.11 stands for 6.12.77 too
            new Era("6.11", "6.11 - 6.12.77", "rule 10 (self-snoop change reverted), rule 13; rule 28a"),
            // DOMAIN rule 15: the quirk reached 6.12.y in 6.12.78 (4055f250a329); rule 28a still applies (< 6.13)
            new Era("6.12.78", "6.12.78+ (6.12.y)", "rule 15: IGNORE_GUEST_PAT quirk; rule 28a"),
            // DOMAIN rule 28a: fixed in 6.13 (8b15c3764c05); otherwise as 6.11 final (rules 10, 13)
            new Era("6.13", "6.13 - 6.15", "rules 10, 13; rule 28a fixed"),
            // DOMAIN rule 15: the quirk in mainline
            new Era("6.16", "6.16+", "rule 15: IGNORE_GUEST_PAT quirk"));

    /**
     * The host CPU: vendor and SELFSNOOP (DOMAIN rule 15a: Intel only).
     *
     * @param id the name in the map and in scenario names
     */
    public record Cpu(String id, String vendor, boolean selfSnoop, String title) {

        /** Design options change vmx_get_mt_mask() only; AMD NPT ignores them (DOMAIN 9 row A, rule 6). */
        public boolean playsDesignOptions() {
            return "intel".equals(vendor);
        }
    }

    public static final List<Cpu> CPUS = List.of(
            new Cpu("intel-ss", "intel", true, "Intel with self-snoop (Ivy Bridge+)"),
            new Cpu("intel-no-ss", "intel", false, "Intel without self-snoop"),
            new Cpu("amd", "amd", false, "AMD (NPT)"));

    /**
     * Where the GPU driver lives and which buffer kind the blob is (SCENARIOS.md placements; DOMAIN 6.2, 9 row 9).
     *
     * @param gpu {@code in-process} (the renderer in QEMU) or {@code vhost-user-gpu} (a separate GPU process)
     */
    public record Placement(String id, String driver, String placement, String gpu, String title) {}

    public static final List<Placement> PLACEMENTS = List.of(
            // the thread's motivating buffer: WC, not snooped, TTM pages behind VM_PFNMAP (rule 28a)
            new Placement("amdgpu-uswc/qemu", "amdgpu", "gtt-uswc", "in-process", "amdgpu USWC GTT, renderer in QEMU"),
            // QEMU maps the renderer's WC pointer: Q = R (DOMAIN 9 row 3)
            new Placement("i915-wc/qemu", "i915", "shmem-wc", "in-process", "i915 shmem WC, renderer in QEMU"),
            // QEMU mmaps the exported dma-buf: Q = the exporter's WB, R = WC (DOMAIN 9 row 9, rule 35)
            new Placement(
                    "i915-wc/gpu-process",
                    "i915",
                    "shmem-wc",
                    "vhost-user-gpu",
                    "i915 shmem WC, renderer in a vhost-user-gpu process"),
            // a VRAM BAR: is_mmio, so EPT UC and the guest's PAT applies (rule 9)
            new Placement("amdgpu-vram/qemu", "amdgpu", "vram", "in-process", "amdgpu VRAM BAR, renderer in QEMU"));

    /** Every migration policy of SCENARIOS.md, in declaration order. */
    public static List<MigrationPolicy> migrations() {
        return List.of(MigrationPolicy.values());
    }
}
