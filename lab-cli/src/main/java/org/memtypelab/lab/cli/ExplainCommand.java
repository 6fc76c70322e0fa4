package org.memtypelab.lab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.memtypelab.core.explain.Explainer;
import org.memtypelab.core.explain.Explanation;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.DesignPatch;
import org.memtypelab.core.kvm.GuestPage;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.MemType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code explain}: what memory type an access gets, and why, without a cluster (SCENARIOS.md "explain"). */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "What memory type does this access get, and why. Three forms:",
            "  explain --mtrr TYPE --pat TYPE                     (bare x86 table, SDM MTRR x PAT)",
            "  explain --ept TYPE|BITS --ipat|--no-ipat --pat TYPE [--cr0-cd]",
            "  explain [--cpu ...] [--kvm ...] [...]              (a guest access under KVM; the default form)"
        })
final class ExplainCommand implements Callable<Integer> {

    private static final List<String> KVM_FORM_OPTIONS = List.of(
            "--cpu",
            "--kvm",
            "--self-snoop",
            "--ignore-guest-pat-quirk",
            "--noncoherent-dma",
            "--backing",
            "--guest-pat",
            "--guest-mtrr",
            "--cd-nw-quirk",
            "--host-map",
            "--exporter-type",
            "--slot-memtype",
            "--kvm-mem-dma-slot",
            "--dirty-logging");

    private static final String BARE_FORM = "--mtrr TYPE --pat TYPE";
    private static final String EPT_FORM = "--ept TYPE|BITS --ipat|--no-ipat --pat TYPE [--cr0-cd]";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--mtrr",
            paramLabel = "TYPE",
            converter = MemTypeConverters.Mtrr.class,
            description = "Bare form: the MTRR type (UC, WC, WT, WB, WP).")
    MemType mtrr;

    @Option(
            names = "--pat",
            paramLabel = "TYPE",
            converter = MemTypeConverters.Pat.class,
            description = "Bare and EPT forms: the PAT type selected by the PTE (UC, UC-, WC, WT, WB, WP).")
    MemType pat;

    @Option(
            names = "--ept",
            paramLabel = "TYPE|BITS",
            converter = MemTypeConverters.EptBits.class,
            description = "EPT form: the EPT leaf type (UC, WC, WT, WP, WB) or its bits 5:3 (0-7).")
    Integer eptBits;

    @Option(names = "--ipat", negatable = true, description = "EPT form: the ignore-PAT bit.")
    Boolean ipat;

    @Option(
            names = "--cpu",
            paramLabel = "intel|amd",
            converter = CpuConverter.class,
            description = "Host CPU vendor (default intel).")
    CpuVendor cpu = CpuVendor.INTEL;

    @Option(
            names = "--kvm",
            paramLabel = "VERSION",
            description = "Kernel as shipped: 6.16, 6.12.78 (stable), 6.11-rc3 (release candidate), optionally with"
                    + " design options: 5.6+kvm-mem-dma (default 6.16).")
    String kvm = "6.16";

    @Option(
            names = "--self-snoop",
            negatable = true,
            description = "Intel host CPU has SELFSNOOP (default yes on Intel; AMD has none).")
    Boolean selfSnoopOption;

    @Option(
            names = "--ignore-guest-pat-quirk",
            arity = "1",
            paramLabel = "on|off",
            converter = MemTypeConverters.OnOff.class,
            description = "KVM_X86_QUIRK_IGNORE_GUEST_PAT, 6.16+ on Intel with self-snoop (default on).")
    Boolean ignoreGuestPatQuirk;

    @Option(names = "--noncoherent-dma", description = "The VM has non-coherent DMA (e.g. VFIO without snoop control).")
    boolean noncoherentDma;

    @Option(
            names = "--backing",
            arity = "1",
            paramLabel = "ram|mmio",
            converter = BackingConverter.class,
            description = "ram, or mmio: a page KVM treats as MMIO, e.g. a VRAM BAR (default ram).")
    Backing backing = Backing.RAM;

    @Option(
            names = "--guest-pat",
            paramLabel = "TYPE",
            converter = MemTypeConverters.Pat.class,
            description = "Guest PTE's PAT type (default WB).")
    MemType guestPat = MemType.WB;

    @Option(
            names = "--guest-mtrr",
            paramLabel = "TYPE",
            converter = MemTypeConverters.Mtrr.class,
            description = "Guest MTRR type of the page (default WB).")
    MemType guestMtrr = MemType.WB;

    @Option(
            names = "--cr0-cd",
            description = "Guest CR0.CD as KVM emulates it; in the EPT form, the hardware bit (DOMAIN rule 2).")
    boolean cr0Cd;

    @Option(
            names = "--cd-nw-quirk",
            arity = "1",
            paramLabel = "on|off",
            converter = MemTypeConverters.OnOff.class,
            description = "KVM_X86_QUIRK_CD_NW_CLEARED (default on).")
    Boolean cdNwQuirk;

    @Option(
            names = "--host-map",
            paramLabel = "TYPE",
            converter = MemTypeConverters.Pat.class,
            description =
                    "With +inspect-hva or +force-host-type: the type of QEMU's mapping behind the hva (default WB).")
    MemType hostMap;

    @Option(
            names = "--exporter-type",
            paramLabel = "TYPE",
            converter = MemTypeConverters.Pat.class,
            description = "With +dmabuf-slot-guest-type or +dmabuf-slot-exporter-type: the page lies in a memslot made"
                    + " from a dma-buf whose exporter maps it TYPE.")
    MemType exporterType;

    @Option(
            names = "--slot-memtype",
            paramLabel = "TYPE",
            converter = MemTypeConverters.Pat.class,
            description = "With +slot-memtype: the type the memslot forces.")
    MemType slotMemtype;

    @Option(
            names = "--kvm-mem-dma-slot",
            description = "With +kvm-mem-dma or +slot-noncoherent: the page lies in a slot with that flag.")
    boolean kvmMemDmaSlot;

    @Option(names = "--dirty-logging", description = "The page's memslot has KVM_MEM_LOG_DIRTY_PAGES.")
    boolean dirtyLogging;

    @Option(names = "--json", description = "Print the answer as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Explanation answer = answer();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(toJson(answer)));
        } else {
            out.print(ExplainText.render(answer));
        }
        out.flush();
        return 0;
    }

    private Explanation answer() {
        if (mtrr != null && eptBits != null) {
            throw bad("--mtrr and --ept belong to different forms; give one of them (allowed: " + BARE_FORM + ", or "
                    + EPT_FORM + ")");
        }
        if (mtrr != null || eptBits != null) {
            String form = mtrr != null ? "--mtrr" : "--ept";
            for (String o : KVM_FORM_OPTIONS) {
                if (given(o)) {
                    throw bad(o + " does not apply to the " + form + " form (allowed there: "
                            + (mtrr != null ? "--mtrr, --pat" : "--ept, --ipat|--no-ipat, --pat, --cr0-cd") + ")");
                }
            }
            if (pat == null) {
                throw bad("the " + form + " form needs --pat TYPE; allowed: " + MemType.labels(MemType.PAT_TYPES));
            }
            if (mtrr != null) {
                if (given("--cr0-cd") || ipat != null) {
                    throw bad((ipat != null ? "--ipat" : "--cr0-cd")
                            + " belongs to the --ept form (allowed with --mtrr: " + BARE_FORM + ")");
                }
                return Explainer.table(mtrr, pat);
            }
            if (ipat == null) {
                throw bad("the --ept form needs --ipat or --no-ipat");
            }
            return Explainer.ept(eptBits, ipat, pat, cr0Cd);
        }
        if (pat != null || ipat != null) {
            throw bad((pat != null ? "--pat" : "--ipat") + " belongs to the --mtrr/--ept forms (" + BARE_FORM + ", or "
                    + EPT_FORM + "); under KVM give the guest's type with --guest-pat TYPE, allowed: "
                    + MemType.labels(MemType.PAT_TYPES));
        }
        return Explainer.kvm(platform(), page());
    }

    private KvmPlatform platform() {
        KvmVersion.Parsed parsed = KvmVersion.parse(kvm);
        if (parsed instanceof KvmVersion.Parsed.Invalid invalid) {
            throw bad("--kvm: " + invalid.message());
        }
        KvmVersion version = ((KvmVersion.Parsed.Ok) parsed).version();
        if (cpu == CpuVendor.AMD && Boolean.TRUE.equals(selfSnoopOption)) {
            throw bad("--self-snoop: " + KvmPlatform.SELF_SNOOP_ON_AMD + "; allowed with --cpu amd: omit it, or"
                    + " --no-self-snoop");
        }
        boolean selfSnoop = selfSnoopOption == null ? KvmPlatform.defaultSelfSnoop(cpu) : selfSnoopOption;
        KvmPlatform p = new KvmPlatform(
                cpu,
                version,
                selfSnoop,
                ignoreGuestPatQuirk == null || ignoreGuestPatQuirk,
                cdNwQuirk == null || cdNwQuirk);
        List<String> problems = p.quirkProblems(ignoreGuestPatQuirk != null);
        if (!problems.isEmpty()) {
            throw bad("--ignore-guest-pat-quirk: " + problems.get(0) + "; allowed: omit it"
                    + (p.hasIgnoreGuestPatQuirk() && selfSnoop
                            ? ", on, off"
                            : p.hasIgnoreGuestPatQuirk() ? ", on" : ""));
        }
        requirePatch(version, slotMemtype != null, "--slot-memtype", DesignPatch.SLOT_MEMTYPE);
        if (!DesignPatch.slotFlag(version.patches())) {
            requirePatch(version, kvmMemDmaSlot, "--kvm-mem-dma-slot", DesignPatch.KVM_MEM_DMA);
        }
        if (!version.has(DesignPatch.FORCE_HOST_TYPE)) {
            requirePatch(version, hostMap != null, "--host-map", DesignPatch.INSPECT_HVA);
        }
        if (!version.has(DesignPatch.DMABUF_SLOT_EXPORTER_TYPE)) {
            requirePatch(version, exporterType != null, "--exporter-type", DesignPatch.DMABUF_SLOT_GUEST_TYPE);
        }
        return p;
    }

    private void requirePatch(KvmVersion v, boolean used, String option, DesignPatch patch) {
        if (used && !v.has(patch)) {
            throw bad(option + " needs a kernel with +" + patch.suffix() + " (e.g. --kvm " + v.release() + "+"
                    + patch.suffix() + ")");
        }
    }

    private GuestPage page() {
        GuestPage.Slot slot = new GuestPage.Slot(
                hostMap == null ? MemType.WB : hostMap,
                kvmMemDmaSlot,
                dirtyLogging,
                Optional.ofNullable(slotMemtype),
                false,
                MemType.WB);
        GuestPage page = new GuestPage(backing == Backing.MMIO, guestPat, guestMtrr, cr0Cd, noncoherentDma, slot);
        return exporterType == null ? page : page.withDmabuf(exporterType);
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static Map<String, Object> toJson(Explanation a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", a.cpu().label());
        m.put("kvm", a.kvm().map(KvmVersion::toString).orElse(null));
        m.put(
                "ept",
                a.ept()
                        .map(e -> {
                            Map<String, Object> ept = new LinkedHashMap<>();
                            ept.put("type", e.type().label());
                            ept.put("ipat", e.ipat());
                            return ept;
                        })
                        .orElse(null));
        m.put("effective", a.effective().label());
        m.put("because", a.effective().because());
        m.put("form", a.form().name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    /** {@code intel|amd}. */
    static final class CpuConverter implements CommandLine.ITypeConverter<CpuVendor> {
        @Override
        public CpuVendor convert(String value) {
            return CpuVendor.parse(value)
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "'" + value + "' is not a CPU vendor; allowed: intel, amd"));
        }
    }

    /** {@code ram|mmio}. */
    static final class BackingConverter implements CommandLine.ITypeConverter<Backing> {
        @Override
        public Backing convert(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "ram" -> Backing.RAM;
                case "mmio" -> Backing.MMIO;
                default ->
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not a backing; allowed: ram, mmio");
            };
        }
    }
}
