package org.memtypelab.lab.map;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.memtypelab.core.coherency.Accessor;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.GuestMemtype;
import org.memtypelab.core.kvm.GuestPage;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.Step;

/**
 * Why a run came out as it did, in DOMAIN's words, from what the run recorded: the texts of result.json (step details
 * citing rules 28a, 32, 35, option 7; the monitor's notes on benign aliases; the unverified cell behind an unknown),
 * the coherence rule of each recorded alias (core's {@link Coherence}, rules 10a, 10b, 6), and KVM's choice of the
 * guest's EPT leaf.
 *
 * <p>result.json records the guest's EPT leaf but not the rule that chose it. That rule is asked of core's
 * {@link GuestMemtype} for the page the run recorded (guest PAT and MTRR of the guest-map step, QEMU's recorded type
 * behind the hva, the scenario's slot flags) and kept only when it reproduces the recorded leaf and type - as the run
 * report's rule chains do; otherwise the leaf is shown as recorded.
 */
final class DecidingRule {

    private static final Pattern GUEST_MAP = Pattern.compile(
            "guest maps (\\S+) with guest PAT (\\S+)(?: from map_info \\(rule 30\\))?(?:, guest MTRR (\\S+))?");
    private static final Pattern RULE =
            Pattern.compile("rule (\\d+[a-z]?)|DOMAIN 9 option (\\w+)|DOMAIN (\\d+\\.\\d+)");

    private DecidingRule() {}

    /** The texts that decide {@code r}'s verdict, the guest's side first. */
    static List<String> because(Scenario s, RunResult r) {
        Set<String> out = new LinkedHashSet<>();
        guestRule(s, r).ifPresent(out::add);
        for (RunResult.HazardEntry h : r.hazards()) {
            hazardRule(s, r, h).ifPresent(out::add);
        }
        if (r.notes() != null) {
            out.addAll(r.notes());
        }
        for (RunResult.MappingEntry m : r.mappings()) {
            if (m.why() != null) {
                out.add(m.who() + ": " + m.why());
            }
        }
        if (r.incomplete() != null) {
            out.add("incomplete: " + r.incomplete());
        }
        return List.copyOf(out);
    }

    /** The DOMAIN rules {@code because} cites, once each, in order: {@code rule 10}, {@code option 6}, {@code 5.1}. */
    static List<String> rules(List<String> because) {
        Set<String> ids = new LinkedHashSet<>();
        for (String line : because) {
            Matcher m = RULE.matcher(line);
            while (m.find()) {
                ids.add(
                        m.group(1) != null
                                ? "rule " + m.group(1)
                                : m.group(2) != null ? "option " + m.group(2) : m.group(3));
            }
        }
        return List.copyOf(ids);
    }

    /** The guest's mapping as the table shows it: {@code WC (EPT WB)}, {@code WB (EPT WB+IPAT)}, {@code EFAULT}. */
    static String guest(RunResult r) {
        RunResult.MappingEntry g = mapping(r, "guest");
        if (g == null) {
            boolean fault = r.hazards().stream().anyMatch(h -> "guest-fault".equals(h.kind()));
            return fault ? "EFAULT" : "";
        }
        String type = g.type() == null ? "unknown" : g.type();
        return g.ept() == null
                ? type
                : type + " (EPT " + g.ept().type() + (g.ept().ipat() ? "+IPAT" : "") + ")";
    }

    private static Optional<String> guestRule(Scenario s, RunResult r) {
        RunResult.MappingEntry g = mapping(r, "guest");
        Optional<MemType[]> patMtrr = guestPat(r);
        Optional<Step.Allocate> alloc = first(s, Step.Allocate.class);
        Optional<Step.MapBlob> blob = first(s, Step.MapBlob.class);
        if (g == null || patMtrr.isEmpty() || alloc.isEmpty() || blob.isEmpty()) {
            return Optional.empty();
        }
        BufferProfile profile = alloc.get().profile();
        RunResult.MappingEntry q = mapping(r, "qemu");
        MemType host = q == null ? MemType.WB : MemType.parse(q.type()).orElse(MemType.WB);
        // what QemuModel gives KVM as the exporter's type: its mmap type, else the driver's (rule 34)
        MemType exporter = profile.dmabufMmap().orElse(profile.rendererMap());
        for (boolean dirtyLogging : new boolean[] {false, true}) {
            GuestPage page = new GuestPage(
                    profile.backing() == Backing.MMIO,
                    patMtrr.get()[0],
                    patMtrr.get()[1],
                    false,
                    s.platform().noncoherentDma(),
                    new GuestPage.Slot(
                            host,
                            blob.get().flags().contains("kvm-mem-dma"),
                            dirtyLogging,
                            blob.get().memtype(),
                            true,
                            exporter));
            GuestMemtype.Resolution res = GuestMemtype.resolve(s.platform().kvmPlatform(), page);
            if (reproduces(res, g)) {
                List<String> because = res.effective().because();
                // on Intel the first line is KVM's EPT decision; the rest is the SDM table (rules 3, 4)
                return Optional.of(
                        s.platform().cpu() == CpuVendor.INTEL
                                ? "guest: " + because.get(0)
                                : "guest: " + String.join("; ", because));
            }
        }
        return Optional.of("guest: KVM chose " + guest(r) + " from inputs the run does not record in full");
    }

    private static boolean reproduces(GuestMemtype.Resolution res, RunResult.MappingEntry g) {
        boolean leaf = g.ept() == null
                ? res.ept().isEmpty()
                : res.ept()
                        .filter(e -> e.type().label().equals(g.ept().type())
                                && e.ipat() == g.ept().ipat())
                        .isPresent();
        if (res.effective() instanceof Effective.Known k) {
            return leaf && k.type().label().equals(g.type());
        }
        return leaf && g.why() != null;
    }

    private static Optional<String> hazardRule(Scenario s, RunResult r, RunResult.HazardEntry h) {
        String pair = String.join("/", h.between());
        switch (h.kind()) {
            case "memtype-alias" -> {
                List<Optional<Accessor.Cpu>> sides = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    sides.add(cpu(r, h.between().get(i), h.types().get(i)));
                }
                if (sides.get(0).isEmpty() || sides.get(1).isEmpty()) {
                    return Optional.empty();
                }
                Coherence c = s.platform().coherence();
                return Optional.of(
                        pair + ": " + c.why(sides.get(0).get(), sides.get(1).get()));
            }
            case "non-snooped-dma" -> {
                // DOMAIN rule 10a: a cached CPU mapping vs non-snooping GPU DMA is always stale-possible
                return Optional.of(pair + ": a cached CPU mapping of a buffer the GPU reads without snooping"
                        + " (DOMAIN rule 10a)");
            }
            case "migration-stale" -> {
                // DOMAIN rule 29: the migration thread reads through QEMU's mapping, so its type is QEMU's
                String why = h.types().size() == 2
                        ? cpu(r, h.between().get(0), h.types().get(0))
                                .flatMap(a -> cpu(
                                                r, h.between().get(1), h.types().get(1))
                                        .map(b -> s.platform().coherence().why(a, b)))
                                .map(w -> "; " + w)
                                .orElse("")
                        : "";
                return Optional.of(pair + ": the migration thread reads through QEMU's mapping (DOMAIN rule 29)" + why);
            }
            default -> {
                // guest-fault, unmappable: the step that met it says why
                return r.steps().stream()
                        .filter(st -> st.detail() != null
                                && st.detail().contains("DOMAIN")
                                && (!st.ok() || st.n() == h.step()))
                        .map(st -> pair + " " + h.kind() + ": " + st.detail())
                        .findFirst()
                        .or(() -> Optional.of(pair + " " + h.kind() + ": " + h.witness()));
            }
        }
    }

    private static Optional<Accessor.Cpu> cpu(RunResult r, String who, String type) {
        Optional<Who> w = Who.parse(who);
        Optional<MemType> t = MemType.parse(type);
        if (w.isEmpty() || t.isEmpty() || !w.get().isCpu()) {
            return Optional.empty();
        }
        RunResult.MappingEntry m = mapping(r, who);
        // DOMAIN rule 10b: a guest UC that comes from the EPT type is MTRR-originated UC
        boolean ucFromEpt = w.get() == Who.GUEST
                && m != null
                && m.ept() != null
                && "UC".equals(m.ept().type());
        return Optional.of(new Accessor.Cpu(w.get(), t.get(), ucFromEpt));
    }

    private static RunResult.MappingEntry mapping(RunResult r, String who) {
        return r.mappings().stream()
                .filter(m -> who.equals(m.who()) && "b0".equals(m.buffer()))
                .reduce((first, second) -> second) // the latest mapping is the one the run ended with
                .orElse(null);
    }

    private static Optional<MemType[]> guestPat(RunResult r) {
        Optional<MemType[]> found = Optional.empty();
        for (RunResult.StepEntry s : r.steps()) {
            Matcher m = GUEST_MAP.matcher(s.detail() == null ? "" : s.detail());
            if (m.find()) {
                Optional<MemType> pat = MemType.parse(m.group(2));
                Optional<MemType> mtrr = m.group(3) == null ? Optional.of(MemType.WB) : MemType.parse(m.group(3));
                if (pat.isPresent() && mtrr.isPresent()) {
                    found = Optional.of(new MemType[] {pat.get(), mtrr.get()});
                }
            }
        }
        return found;
    }

    private static <T extends Step> Optional<T> first(Scenario s, Class<T> kind) {
        return s.steps().stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }
}
