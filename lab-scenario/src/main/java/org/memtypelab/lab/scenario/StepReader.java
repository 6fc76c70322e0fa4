package org.memtypelab.lab.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.gpu.BufferProfile;
import org.memtypelab.core.gpu.Driver;
import org.memtypelab.core.gpu.GpuSnoop;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.kvm.DesignPatch;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.lab.scenario.YamlTree.Entry;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;
import org.memtypelab.lab.scenario.YamlTree.SeqNode;

/** Reads the {@code steps} list in order, checking buffer references, placements and kernel patches as it goes. */
final class StepReader {

    private static final Pattern BUFFER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final List<String> EXPLICIT_PROFILE = List.of("backing", "dmabuf-mmap", "renderer-map", "gpu-snoop");
    private static final long U32 = 0xFFFF_FFFFL;
    /** The end of x86's largest physical address space (MAXPHYADDR <= 52): no buffer or blob lies past it. */
    static final long PHYS_ADDR_END = 1L << 52;
    /** The most steps in one scenario; the bundled ones have at most 14, and each step is a cluster round trip. */
    static final int MAX_STEPS = 1_000;

    private final Platform platform;
    private final QemuConfig qemu;
    private final Driver driver;
    private final String driverWhere;
    /** Allocated buffers and their sizes, in allocation order. */
    private final Map<String, Long> buffers = new LinkedHashMap<>();

    StepReader(Platform platform, QemuConfig qemu, Driver driver, String driverWhere) {
        this.platform = platform;
        this.qemu = qemu;
        this.driver = driver;
        this.driverWhere = driverWhere;
    }

    /** The buffers allocated by the steps read so far. */
    Map<String, Long> buffers() {
        return buffers;
    }

    List<Step> read(Node node) {
        if (!(node instanceof SeqNode seq)) {
            throw new Problem(node.loc(), "steps: expected a list of steps, found " + Values.describe(node));
        }
        if (seq.items().isEmpty()) {
            throw new Problem(node.loc(), "steps: the list is empty; a scenario needs at least one step");
        }
        if (seq.items().size() > MAX_STEPS) {
            throw new Problem(
                    seq.items().get(MAX_STEPS).loc(),
                    "steps: more than " + MAX_STEPS + " steps; allowed: at most " + MAX_STEPS);
        }
        List<Step> steps = new ArrayList<>();
        for (Node item : seq.items()) {
            String where = "steps[" + (steps.size() + 1) + "]";
            Entry e = stepEntry(item, where);
            StepKind kind = Arrays.stream(StepKind.values())
                    .filter(k -> k.label().equals(e.key()))
                    .findFirst()
                    .orElseThrow(() -> new Problem(
                            e.keyLoc(),
                            where + ": unknown step kind '" + e.key() + "'; allowed: " + ScenarioLoader.stepKinds()));
            steps.add(step(kind, e, where + "." + kind.label()));
        }
        return steps;
    }

    private static Entry stepEntry(Node item, String where) {
        if (!(item instanceof MapNode m) || m.entries().isEmpty()) {
            throw new Problem(
                    item.loc(),
                    where + ": expected a step such as '- migrate: {}' (one step kind as key), found "
                            + Values.describe(item) + "; kinds: " + ScenarioLoader.stepKinds());
        }
        if (m.entries().size() > 1) {
            Entry extra = m.entries().get(1);
            throw new Problem(
                    extra.keyLoc(),
                    where + ": a step has exactly one kind key; '" + extra.key() + "' follows '"
                            + m.entries().get(0).key() + "' (indent its arguments under it, or start a new '- ' item)");
        }
        return m.entries().get(0);
    }

    private Step step(StepKind kind, Entry e, String path) {
        Node v = e.value();
        return switch (kind) {
            case ALLOCATE -> allocate(v, path);
            case EXPORT -> new Step.Export(buffer(Fields.of(v, path, List.of("buffer"))));
            case MAP_BLOB -> mapBlob(e, path);
            case GUEST_MAP -> guestMap(v, path);
            case GUEST_WRITE, GPU_WRITE, RENDERER_WRITE -> {
                Fields f = Fields.of(v, path, List.of("buffer", "offset", "value"));
                String b = buffer(f);
                yield new Step.Access(kind, b, offset(f, b), value(f));
            }
            case GUEST_READ, GPU_READ, RENDERER_READ -> {
                Fields f = Fields.of(v, path, List.of("buffer", "offset"));
                String b = buffer(f);
                yield new Step.Access(kind, b, offset(f, b));
            }
            case SET_MEMORY_REGION -> setMemoryRegion(v, path);
            case WALK_MEMSLOTS -> {
                Fields f = Fields.of(v, path, List.of("by"));
                yield new Step.WalkMemslots(f.optString("by").orElse(Step.WalkMemslots.DEFAULT_BY));
            }
            case MIGRATE -> {
                Fields.of(v, path, List.of());
                yield new Step.Migrate();
            }
            case UNMAP_BLOB -> new Step.UnmapBlob(buffer(Fields.of(v, path, List.of("buffer"))));
            case GUEST_CR0_CD -> {
                Fields f = Fields.of(v, path, List.of("value"));
                yield new Step.GuestCr0Cd(Values.bool(f.req("value"), f.path("value")));
            }
            case NONCOHERENT_DMA -> {
                Fields f = Fields.of(v, path, List.of("attached"));
                yield new Step.NoncoherentDma(Values.bool(f.req("attached"), f.path("attached")));
            }
        };
    }

    private Step allocate(Node v, String path) {
        List<String> keys = new ArrayList<>(List.of("buffer", "size", "placement"));
        keys.addAll(EXPLICIT_PROFILE);
        Fields f = Fields.of(v, path, keys);
        String name = Values.string(f.req("buffer"), f.path("buffer"));
        if (!BUFFER_NAME.matcher(name).matches()) {
            throw new Problem(
                    f.req("buffer").loc(),
                    f.path("buffer") + ": '" + name + "' is not a buffer name; "
                            + "allowed: letters, digits, '_', '.', '-'");
        }
        if (buffers.containsKey(name)) {
            throw new Problem(
                    f.req("buffer").loc(),
                    f.path("buffer") + ": buffer '" + name + "' is already allocated by an earlier step; allocated: "
                            + String.join(", ", buffers.keySet()));
        }
        long size = Values.size(f.req("size"), f.path("size"), 1, PHYS_ADDR_END);
        Optional<String> explicit = EXPLICIT_PROFILE.stream().filter(f::has).findFirst();
        Step.Allocate step;
        if (f.has("placement")) {
            if (explicit.isPresent()) {
                throw new Problem(
                        f.keyLoc(explicit.get()),
                        f.path(explicit.get())
                                + ": give either placement or the properties " + String.join(", ", EXPLICIT_PROFILE)
                                + ", not both");
            }
            Node pn = f.req("placement");
            Placement p = Values.choice(pn, f.path("placement"), List.of(Placement.values()), Placement::label);
            if (!p.drivers().contains(driver)) {
                throw new Problem(
                        pn.loc(),
                        f.path("placement") + ": " + p.label() + " is not a placement of driver " + driver.label()
                                + " (" + driverWhere + "); allowed: " + Placement.allowedFor(driver));
            }
            step = new Step.Allocate(name, size, p.profile(), Optional.of(p));
        } else if (explicit.isPresent()) {
            step = new Step.Allocate(name, size, explicitProfile(f), Optional.empty());
        } else {
            throw new Problem(
                    f.loc(),
                    path + ": missing key 'placement' (allowed for driver " + driver.label() + ": "
                            + Placement.allowedFor(driver) + "), or state " + String.join(", ", EXPLICIT_PROFILE));
        }
        buffers.put(name, size);
        return step;
    }

    private static BufferProfile explicitProfile(Fields f) {
        Backing backing = Values.choice(f.req("backing"), f.path("backing"), List.of(Backing.values()), Backing::label);
        Node dm = f.req("dmabuf-mmap");
        Optional<MemType> dmabufMmap =
                dm instanceof YamlTree.Scalar s && s.text().trim().equalsIgnoreCase("none")
                        ? Optional.empty()
                        : Optional.of(Values.memType(
                                dm, f.path("dmabuf-mmap") + " (or none)", MemType.PAT_TYPES, "a host mapping type"));
        MemType renderer =
                Values.memType(f.req("renderer-map"), f.path("renderer-map"), MemType.PAT_TYPES, "a host mapping type");
        Node sn = f.req("gpu-snoop");
        GpuSnoop snoop;
        if (sn instanceof YamlTree.Scalar s && s.type() == YamlTree.ScalarType.BOOLEAN) {
            snoop = Values.bool(sn, f.path("gpu-snoop")) ? GpuSnoop.SNOOP : GpuSnoop.NO_SNOOP;
        } else {
            snoop = switch (Values.choice(sn, f.path("gpu-snoop"), List.of("true", "false", "device-local"), x -> x)) {
                case "true" -> GpuSnoop.SNOOP;
                case "false" -> GpuSnoop.NO_SNOOP;
                default -> GpuSnoop.DEVICE_LOCAL;
            };
        }
        return new BufferProfile(backing, dmabufMmap, renderer, snoop);
    }

    private Step mapBlob(Entry e, String path) {
        Fields f = Fields.of(e.value(), path, List.of("buffer", "gpa", "flags", "memtype"));
        if (!qemu.blob()) {
            throw new Problem(
                    e.keyLoc(),
                    path + ": map-blob needs virtio-gpu blob resources, but qemu.blob is false;"
                            + " allowed: set qemu.blob: true");
        }
        String b = buffer(f);
        long gpa = f.integer("gpa", 0, PHYS_ADDR_END - 1);
        if (gpa > PHYS_ADDR_END - buffers.get(b)) {
            throw new Problem(
                    f.req("gpa").loc(),
                    f.path("gpa") + ": buffer " + b + " at " + hex(gpa) + " would end past " + hex(PHYS_ADDR_END)
                            + ", beyond x86's 52-bit physical address space; allowed: 0.."
                            + hex(PHYS_ADDR_END - buffers.get(b)));
        }
        List<String> flags = new ArrayList<>();
        f.opt("flags").ifPresent(n -> {
            if (!(n instanceof SeqNode seq)) {
                throw new Problem(
                        n.loc(),
                        f.path("flags") + ": expected a list of flag names, found " + Values.describe(n) + "; allowed: "
                                + flagNames());
            }
            for (Node item : seq.items()) {
                MemslotFlag flag = memslotFlag(item, f.path("flags"));
                if (flags.contains(flag.yamlName())) {
                    throw new Problem(item.loc(), f.path("flags") + ": '" + flag.yamlName() + "' is listed twice");
                }
                if (flag == MemslotFlag.KVM_MEM_DMA
                        && !DesignPatch.slotFlag(platform.kvm().patches())) {
                    requirePatch(DesignPatch.KVM_MEM_DMA, item, f.path("flags") + ": " + flag.yamlName());
                }
                flags.add(flag.yamlName());
            }
        });
        Optional<MemType> memtype = f.opt("memtype").map(n -> {
            MemType t = Values.memType(n, f.path("memtype"), MemType.EPT_TYPES, "a per-slot EPT type");
            requirePatch(DesignPatch.SLOT_MEMTYPE, n, f.path("memtype"));
            return t;
        });
        return new Step.MapBlob(b, gpa, flags, memtype);
    }

    private void requirePatch(DesignPatch patch, Node at, String what) {
        if (!platform.kvm().has(patch)) {
            throw new Problem(
                    at.loc(),
                    what + " needs the +" + patch.suffix() + " design patch, but platform.kvm is "
                            + platform.kvm() + "; allowed: a kernel such as \""
                            + platform.kvm().release() + "+" + patch.suffix() + "\"");
        }
    }

    private Step guestMap(Node v, String path) {
        Fields f = Fields.of(v, path, List.of("buffer", "pat", "mtrr"));
        String b = buffer(f);
        Optional<MemType> pat =
                f.opt("pat").map(n -> Values.memType(n, f.path("pat"), MemType.PAT_TYPES, "a guest PAT type"));
        MemType mtrr = f.opt("mtrr")
                .map(n -> Values.memType(n, f.path("mtrr"), MemType.MTRR_TYPES, "a guest MTRR type"))
                .orElse(MemType.WB);
        return new Step.GuestMap(b, pat, mtrr);
    }

    private static Step setMemoryRegion(Node v, String path) {
        Fields f = Fields.of(v, path, List.of("slot", "flags", "gpa", "size", "hva"));
        long slot = f.integer("slot", 0, U32);
        int flags = f.opt("flags").map(n -> slotFlags(n, f.path("flags"))).orElse(0);
        long gpa = f.integer("gpa", 0, Long.MAX_VALUE);
        long size = Values.size(f.req("size"), f.path("size"), 0, Long.MAX_VALUE);
        Optional<Long> hva = f.optInteger("hva", 0, Long.MAX_VALUE);
        return new Step.SetMemoryRegion(slot, flags, gpa, size, hva);
    }

    /** A list of flag names or the raw integer; bits KVM rejects are KVM's answer (EINVAL), not a load error. */
    private static int slotFlags(Node n, String path) {
        if (n instanceof SeqNode seq) {
            int bits = 0;
            for (Node item : seq.items()) {
                bits |= memslotFlag(item, path).bit();
            }
            return bits;
        }
        if (n instanceof YamlTree.Scalar s && Values.parseInteger(s.text()).isPresent()) {
            return (int) Values.integer(n, path, 0, U32);
        }
        throw new Problem(
                n.loc(),
                path + ": expected a list of flag names or an integer, found " + Values.describe(n)
                        + "; allowed names: " + flagNames());
    }

    /** A memslot flag by its YAML name, e.g. {@code log-dirty-pages} (DOMAIN rule 19). */
    private static MemslotFlag memslotFlag(Node item, String path) {
        return Values.choice(item, path, List.of(MemslotFlag.values()), MemslotFlag::yamlName);
    }

    private static String flagNames() {
        return MemslotFlag.allowed();
    }

    /** The {@code buffer} key: a buffer allocated by an earlier step. */
    private String buffer(Fields f) {
        Node n = f.req("buffer");
        String name = Values.string(n, f.path("buffer"));
        if (!buffers.containsKey(name)) {
            throw new Problem(
                    n.loc(),
                    f.path("buffer") + ": buffer '" + name + "' is not allocated by an earlier step; "
                            + (buffers.isEmpty()
                                    ? "no buffer is allocated yet (add an allocate step before)"
                                    : "allowed: " + String.join(", ", buffers.keySet())));
        }
        return name;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private long offset(Fields f, String buffer) {
        long size = buffers.get(buffer);
        return f.integer("offset", 0, size - 1);
    }

    private static int value(Fields f) {
        return (int) f.integer("value", 0, 255);
    }
}
