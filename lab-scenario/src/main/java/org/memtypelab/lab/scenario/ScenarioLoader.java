package org.memtypelab.lab.scenario;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.memtypelab.core.gpu.Driver;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuVersion;
import org.memtypelab.lab.scenario.YamlTree.Loc;
import org.memtypelab.lab.scenario.YamlTree.MapNode;
import org.memtypelab.lab.scenario.YamlTree.Node;

/**
 * Reads a scenario YAML file into a validated {@link Scenario}, or a {@link ScenarioError} pointing at the offending
 * key or value (SCENARIOS.md, scenario file). The file is data: no class it names is ever loaded.
 */
public final class ScenarioLoader {

    static final List<String> TOP_KEYS = List.of(
            "name", "description", "seed", "platform", "qemu", "gpu-process", "migration", "steps", "faults", "expect");
    private static final List<String> PLATFORM_KEYS =
            List.of("cpu", "self-snoop", "kvm", "cd-nw-quirk", "ignore-guest-pat-quirk", "noncoherent-dma");
    private static final List<String> QEMU_KEYS =
            List.of("version", "virgl", "rutabaga", "blob", "gpu", "import", "blob-access");

    private ScenarioLoader() {}

    /**
     * Loads a scenario file; a file that cannot be read, is too large or is not UTF-8 is a {@link ScenarioError} (at
     * its first byte that is not UTF-8, else at 1:1).
     */
    public static LoadResult load(Path file) {
        String text;
        try {
            text = YamlFile.read(file);
        } catch (Problem p) {
            return p.toError(file.toString());
        }
        return load(file.toString(), text);
    }

    /** Loads scenario text; {@code sourceName} appears in errors and in {@link Scenario#sourceFile()}. */
    public static LoadResult load(String sourceName, String yamlText) {
        try {
            Node root = YamlTree.parse(yamlText)
                    .orElseThrow(() -> new Problem(
                            new Loc(1, 1),
                            "empty scenario file; required keys: name, steps; allowed keys: "
                                    + String.join(", ", TOP_KEYS)));
            return load(sourceName, root);
        } catch (Problem p) {
            return p.toError(sourceName);
        }
    }

    /**
     * Loads an already-parsed scenario: a tree from {@link YamlTree#parse}, or one built or edited from such trees.
     * An error is at the location its offending node carries.
     */
    public static LoadResult load(String sourceName, Node root) {
        try {
            return new LoadResult.Loaded(read(sourceName, root));
        } catch (Problem p) {
            return p.toError(sourceName);
        }
    }

    /**
     * As {@link #load(String, Node)}, but a mistake is thrown: its {@link Problem#loc()} is the very {@link Loc} object
     * of the offending node or key, so a caller that assembled the tree can tell which of its parts it came from.
     */
    public static Scenario read(String sourceName, Node root) {
        Fields top = Fields.document(root, "scenario file", TOP_KEYS);
        String name = top.name("scenario", Scenario.MAX_NAME_LENGTH);
        String description = top.optString("description").orElse("");
        long seed = top.optInteger("seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(Scenario.DEFAULT_SEED);
        Platform platform = top.opt("platform").map(ScenarioLoader::platform).orElse(Platform.defaults());
        QemuConfig qemu = top.opt("qemu").map(ScenarioLoader::qemu).orElse(QemuConfig.defaults());
        GpuProcess gpu = top.opt("gpu-process").map(ScenarioLoader::gpuProcess).orElse(GpuProcess.defaults());
        Migration migration =
                top.opt("migration").map(ScenarioLoader::migration).orElse(Migration.defaults());
        String driverWhere = top.opt("gpu-process")
                .filter(MapNode.class::isInstance) // an empty section (gpu-process: ~) has no driver key
                .flatMap(n -> ((MapNode) n).get("driver"))
                .map(e -> "set by gpu-process.driver at line " + e.keyLoc().line())
                .orElse("the default driver");
        StepReader stepReader = new StepReader(platform, qemu, gpu.driver(), driverWhere);
        List<Step> steps = stepReader.read(top.req("steps"));
        List<Fault> faults =
                top.opt("faults").map(n -> FaultReader.read(n, steps)).orElse(List.of());
        Expect expect = top.opt("expect")
                .map(n -> ExpectReader.read(n, steps, stepReader.buffers().keySet()))
                .orElse(Expect.NONE);
        return new Scenario(name, description, seed, platform, qemu, gpu, migration, steps, faults, expect, sourceName);
    }

    /** The step kinds, comma-separated, for messages. */
    static String stepKinds() {
        return Stream.of(StepKind.values()).map(StepKind::label).collect(Collectors.joining(", "));
    }

    private static Platform platform(Node node) {
        Fields f = Fields.of(node, "platform", PLATFORM_KEYS);
        Platform d = Platform.defaults();
        CpuVendor cpu = f.optChoice("cpu", List.of(CpuVendor.values()), CpuVendor::label)
                .orElse(d.cpu());
        boolean selfSnoop = f.bool("self-snoop", KvmPlatform.defaultSelfSnoop(cpu));
        if (cpu == CpuVendor.AMD && selfSnoop) {
            throw new Problem(
                    f.req("self-snoop").loc(),
                    f.path("self-snoop") + ": " + KvmPlatform.SELF_SNOOP_ON_AMD + "; allowed with cpu: amd: false,"
                            + " or omit the key");
        }
        KvmVersion kvm = f.opt("kvm").map(n -> kvm(n, f.path("kvm"))).orElse(d.kvm());
        boolean quirkStated = f.has("ignore-guest-pat-quirk");
        boolean quirk = f.opt("ignore-guest-pat-quirk")
                .map(n -> Values.onOff(n, f.path("ignore-guest-pat-quirk")))
                .orElse(d.ignoreGuestPatQuirk());
        boolean noncoherentDma = f.bool("noncoherent-dma", d.noncoherentDma());
        boolean cdNwQuirk = f.opt("cd-nw-quirk")
                .map(n -> Values.onOff(n, f.path("cd-nw-quirk")))
                .orElse(d.cdNwQuirk());
        Platform p = new Platform(cpu, selfSnoop, kvm, quirk, quirkStated, noncoherentDma, cdNwQuirk);
        KvmPlatform k = p.kvmPlatform();
        // Only disabling the quirk is a request KVM can refuse; "on" leaves KVM as it is on every kernel and CPU,
        // which is why SCENARIOS.md's own example may state it for 6.10 (DOMAIN 2.3, rule 15).
        List<String> problems = k.quirkProblems(quirkStated && !quirk);
        if (!problems.isEmpty()) {
            String allowed = k.hasIgnoreGuestPatQuirk() ? "; allowed here: on" : "; allowed here: omit the key";
            throw new Problem(
                    f.req("ignore-guest-pat-quirk").loc(),
                    f.path("ignore-guest-pat-quirk") + ": " + String.join("; ", problems) + allowed);
        }
        return p;
    }

    private static KvmVersion kvm(Node n, String path) {
        KvmVersion.Parsed parsed = KvmVersion.parse(Values.string(n, path));
        if (parsed instanceof KvmVersion.Parsed.Invalid invalid) {
            throw new Problem(n.loc(), path + ": " + invalid.message());
        }
        return ((KvmVersion.Parsed.Ok) parsed).version();
    }

    private static QemuConfig qemu(Node node) {
        Fields f = Fields.of(node, "qemu", QEMU_KEYS);
        QemuConfig d = QemuConfig.defaults();
        QemuVersion version =
                f.opt("version").map(n -> qemuVersion(n, f.path("version"))).orElse(d.version());
        boolean virgl = f.bool("virgl", d.virgl());
        boolean blob = f.bool("blob", d.blob());
        QemuConfig.GpuMode gpu = f.optChoice("gpu", List.of(QemuConfig.GpuMode.values()), QemuConfig.GpuMode::label)
                .orElse(d.gpu());
        QemuConfig.ImportMode importMode = f.optChoice(
                        "import", List.of(QemuConfig.ImportMode.values()), QemuConfig.ImportMode::label)
                .orElse(d.importMode());
        // In-process QEMU maps the renderer's pointer and imports nothing: the default dmabuf-mmap (as in
        // SCENARIOS.md's example) changes nothing, vk-map-memory claims an import that cannot happen.
        if (f.has("import")
                && gpu == QemuConfig.GpuMode.IN_PROCESS
                && importMode != QemuConfig.ImportMode.DMABUF_MMAP) {
            throw new Problem(
                    f.keyLoc("import"),
                    f.path("import") + ": applies only with gpu: "
                            + QemuConfig.GpuMode.VHOST_USER_GPU.label() + " (gpu is " + gpu.label()
                            + ": QEMU maps the renderer's pointer); allowed: remove import, or set qemu.gpu: "
                            + QemuConfig.GpuMode.VHOST_USER_GPU.label());
        }
        QemuConfig.BlobAccess access = f.optChoice(
                        "blob-access", List.of(QemuConfig.BlobAccess.values()), QemuConfig.BlobAccess::label)
                .orElse(d.blobAccess());
        boolean rutabaga = f.bool("rutabaga", d.rutabaga());
        QemuConfig config = new QemuConfig(version, virgl, blob, gpu, importMode, access, rutabaga);
        // DOMAIN rule 28b: QEMU itself refuses some devices at creation; such a VM never starts
        config.refusal().ifPresent(why -> {
            throw new Problem(f.has("version") ? f.keyLoc("version") : node.loc(), "qemu: " + why);
        });
        return config;
    }

    private static QemuVersion qemuVersion(Node n, String path) {
        String text = Values.string(n, path);
        return QemuVersion.parse(text)
                .orElseThrow(() -> new Problem(
                        n.loc(),
                        path + ": '" + text
                                + "' is not a QEMU version; allowed: MAJOR.MINOR[.MICRO] such as 9.2 or 8.1.3"));
    }

    private static GpuProcess gpuProcess(Node node) {
        Fields f = Fields.of(node, "gpu-process", List.of("driver"));
        Driver driver = f.optChoice("driver", List.of(Driver.values()), Driver::label)
                .orElse(GpuProcess.defaults().driver());
        return new GpuProcess(driver);
    }

    private static Migration migration(Node node) {
        Fields f = Fields.of(node, "migration", List.of("policy"));
        MigrationPolicy policy = f.optChoice("policy", List.of(MigrationPolicy.values()), MigrationPolicy::label)
                .orElse(Migration.defaults().policy());
        return new Migration(policy);
    }
}
