package org.memtypelab.lab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.memtypelab.core.coherency.Accessor;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.explain.Explainer;
import org.memtypelab.core.explain.Explanation;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.GuestPage;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.documents.RunResult;

/**
 * The rule chain {@code explain} prints for the guest's side of a hazard, recomputed with core's {@link Explainer} from
 * what the run recorded: the platform of scenario.yaml, the guest PAT and MTRR of the guest-map step, the guest's EPT
 * leaf in result.json. When the KVM form does not reproduce the recorded mapping (the page had inputs the run does
 * not record: a VFIO device, slot flags, an MMIO pfn), the EPT form from the recorded leaf is shown instead.
 *
 * @param command the {@code explain} command that prints {@code because}
 * @param because the numbered lines, then (for a memtype alias) why the two types are not coherent
 */
record RuleChain(String command, List<String> because) {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern GUEST_MAP = Pattern.compile(
            "guest maps (\\S+) with guest PAT (\\S+)(?: from map_info \\(rule 30\\))?(?:, guest MTRR (\\S+))?");

    /** The platform as scenario.yaml states it, with the explain defaults for what it omits. */
    record Platform(KvmPlatform platform, String kvm, boolean quirkStated, boolean noncoherentDma) {}

    /** The chain of {@code hazard}'s guest side, or empty when the guest is not one of the pair or nothing matches. */
    static Optional<RuleChain> of(RunResult.HazardEntry hazard, RunResult result, Optional<Platform> platform) {
        List<String> between = hazard.between() == null ? List.of() : hazard.between();
        int g = between.indexOf("guest");
        if (g < 0) {
            return Optional.empty();
        }
        RunResult.MappingEntry guest = mapping(result, hazard.buffer(), "guest");
        Optional<MemType[]> pat = guestPat(result, hazard.buffer());
        if (guest == null || pat.isEmpty()) {
            return Optional.empty();
        }
        Optional<MemType> type = MemType.parse(guest.type());
        Optional<Ept.Entry> leaf = Optional.ofNullable(guest.ept())
                .flatMap(e -> MemType.parse(e.type()).map(t -> new Ept.Entry(t, e.ipat())));
        List<String> because = new ArrayList<>();
        String command = null;
        if (platform.isPresent() && type.isPresent()) {
            Platform p = platform.get();
            GuestPage page =
                    GuestPage.ram(pat.get()[0]).withGuestMtrr(pat.get()[1]).withNoncoherentDma(p.noncoherentDma());
            Explanation a = Explainer.kvm(p.platform(), page);
            if (a.effective() instanceof Effective.Known k
                    && k.type() == type.get()
                    && a.ept().equals(leaf)) {
                command = kvmCommand(p, pat.get());
                because.addAll(a.effective().because());
            }
        }
        if (command == null
                && leaf.isPresent()
                && leaf.get().type().eptEncoding().isPresent()) {
            Explanation a = Explainer.ept(
                    leaf.get().type().eptEncoding().get(), leaf.get().ipat(), pat.get()[0], false);
            command = "./memtype-lab explain --ept " + leaf.get().type().label()
                    + (leaf.get().ipat() ? " --ipat" : " --no-ipat") + " --pat " + pat.get()[0].label();
            because.add("KVM chose " + leaf.get() + " from inputs the run does not record in full");
            because.addAll(a.effective().because());
        }
        if (command == null) {
            return Optional.empty();
        }
        if ("memtype-alias".equals(hazard.kind()) && type.isPresent() && platform.isPresent()) {
            coherence(hazard, result, g, type.get(), leaf, platform.get()).ifPresent(because::add);
        }
        return Optional.of(new RuleChain(command, List.copyOf(because)));
    }

    /** Why the guest's type and the other party's CPU type are not kept coherent (DOMAIN rules 10a, 10b). */
    private static Optional<String> coherence(
            RunResult.HazardEntry hazard,
            RunResult result,
            int guestIndex,
            MemType guestType,
            Optional<Ept.Entry> leaf,
            Platform p) {
        String otherName = hazard.between().get(1 - guestIndex);
        Optional<Who> other = Who.parse(otherName);
        RunResult.MappingEntry otherMapping = mapping(result, hazard.buffer(), otherName);
        if (other.isEmpty() || !other.get().isCpu() || otherMapping == null) {
            return Optional.empty();
        }
        Optional<MemType> otherType = MemType.parse(otherMapping.type());
        if (otherType.isEmpty()) {
            return Optional.empty();
        }
        boolean ucFromEpt = leaf.map(e -> e.type() == MemType.UC).orElse(false);
        Coherence c = new Coherence(p.platform().cpu(), p.platform().selfSnoop());
        return Optional.of("guest " + guestType.label() + " vs " + otherName + " "
                + otherType.get().label() + ": "
                + c.why(
                        new Accessor.Cpu(Who.GUEST, guestType, ucFromEpt),
                        new Accessor.Cpu(other.get(), otherType.get(), false)));
    }

    private static String kvmCommand(Platform p, MemType[] pat) {
        KvmPlatform k = p.platform();
        StringBuilder b = new StringBuilder("./memtype-lab explain --cpu ")
                .append(k.cpu().label())
                .append(" --kvm ")
                .append(p.kvm());
        if (k.cpu() == CpuVendor.INTEL) {
            b.append(k.selfSnoop() ? " --self-snoop" : " --no-self-snoop");
        }
        if (p.quirkStated()) {
            b.append(" --ignore-guest-pat-quirk ").append(k.ignoreGuestPatQuirk() ? "on" : "off");
        }
        if (!k.cdNwQuirk()) {
            b.append(" --cd-nw-quirk off");
        }
        if (p.noncoherentDma()) {
            b.append(" --noncoherent-dma");
        }
        b.append(" --guest-pat ").append(pat[0].label());
        if (pat[1] != MemType.WB) {
            b.append(" --guest-mtrr ").append(pat[1].label());
        }
        return b.toString();
    }

    private static RunResult.MappingEntry mapping(RunResult result, String buffer, String who) {
        if (result.mappings() == null) {
            return null;
        }
        return result.mappings().stream()
                .filter(m -> who.equals(m.who()) && buffer != null && buffer.equals(m.buffer()))
                .reduce((first, second) -> second) // the latest mapping is the one the hazard saw
                .orElse(null);
    }

    /** The guest PAT and MTRR of the step that mapped {@code buffer} into the guest, as kvm-node recorded them. */
    private static Optional<MemType[]> guestPat(RunResult result, String buffer) {
        if (result.steps() == null) {
            return Optional.empty();
        }
        Optional<MemType[]> found = Optional.empty();
        for (RunResult.StepEntry s : result.steps()) {
            Matcher m = GUEST_MAP.matcher(s.detail() == null ? "" : s.detail());
            if (m.find() && m.group(1).equals(buffer)) {
                Optional<MemType> pat = MemType.parse(m.group(2));
                Optional<MemType> mtrr = m.group(3) == null ? Optional.of(MemType.WB) : MemType.parse(m.group(3));
                if (pat.isPresent() && mtrr.isPresent()) {
                    found = Optional.of(new MemType[] {pat.get(), mtrr.get()});
                }
            }
        }
        return found;
    }

    /** The platform of a scenario file; empty when the file is missing or states something core does not accept. */
    static Optional<Platform> platform(String scenarioYaml) {
        if (scenarioYaml == null || scenarioYaml.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode p = YAML.readTree(scenarioYaml).path("platform");
            CpuVendor cpu = CpuVendor.parse(p.path("cpu").asText("intel")).orElse(null);
            String kvmText = p.path("kvm").asText("6.16");
            if (cpu == null || !(KvmVersion.parse(kvmText) instanceof KvmVersion.Parsed.Ok ok)) {
                return Optional.empty();
            }
            boolean selfSnoop = onOff(p.path("self-snoop"), KvmPlatform.defaultSelfSnoop(cpu));
            boolean quirkStated = !p.path("ignore-guest-pat-quirk").isMissingNode();
            boolean noncoherent = onOff(p.path("noncoherent-dma"), false);
            KvmPlatform platform = new KvmPlatform(
                    cpu,
                    ok.version(),
                    selfSnoop,
                    onOff(p.path("ignore-guest-pat-quirk"), true),
                    onOff(p.path("cd-nw-quirk"), true),
                    noncoherent);
            return Optional.of(new Platform(platform, kvmText, quirkStated, noncoherent));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean onOff(JsonNode n, boolean absent) {
        if (n.isMissingNode() || n.isNull()) {
            return absent;
        }
        String v = n.asText().trim().toLowerCase(Locale.ROOT);
        return v.equals("on") || v.equals("true") || v.equals("yes");
    }
}
