package org.memtypelab.lab.junit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.memtypelab.lab.junit.YamlText.Hex;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.ScenarioLoader;

/**
 * A scenario written in Java: each call adds one line of a scenario file (docs/scenarios.md "Scenario file"), and
 * {@link #build()} loads that text with the same loader as {@code memtype-lab run FILE.yaml}, so every key, value and
 * combination is checked exactly as in a file and a mistake points at its line ({@link InvalidScenarioException}).
 * Values are written as given: strings quoted, numbers and booleans plain, lists and maps in flow style.
 *
 * <pre>{@code
 * scenario("mine/uswc").kvm("6.10").selfSnoop(false).driver("amdgpu")
 *         .allocate("b0", "2MiB", "gtt-uswc").export("b0").mapBlob("b0", 0x100000000L).guestMap("b0", "WC")
 * }</pre>
 */
public final class ScenarioBuilder {

    private final String name;
    private String description;
    private Long seed;
    private final Map<String, Object> platform = new LinkedHashMap<>();
    private final Map<String, Object> qemu = new LinkedHashMap<>();
    private final Map<String, Object> gpuProcess = new LinkedHashMap<>();
    private final Map<String, Object> migration = new LinkedHashMap<>();
    private final List<String> steps = new ArrayList<>();
    private final List<String> faults = new ArrayList<>();
    private String expectedVerdict;
    private String expectedMigration;
    private final List<String> expectedHazards = new ArrayList<>();
    private final Map<String, Object> expectedErrno = new LinkedHashMap<>();

    private ScenarioBuilder(String name) {
        this.name = name;
    }

    /** A scenario named {@code name} ({@code [a-z0-9-/]+}, as in a file's {@code name:}). */
    public static ScenarioBuilder scenario(String name) {
        return new ScenarioBuilder(name);
    }

    /** {@code description:}. */
    public ScenarioBuilder description(String text) {
        this.description = text;
        return this;
    }

    /** {@code seed:} (default 1). */
    public ScenarioBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** A {@code platform:} key: {@code cpu}, {@code self-snoop}, {@code kvm}, {@code cd-nw-quirk}, ... */
    public ScenarioBuilder platform(String key, Object value) {
        platform.put(key, value);
        return this;
    }

    /** {@code platform.cpu}: {@code intel} or {@code amd}. */
    public ScenarioBuilder cpu(String cpu) {
        return platform("cpu", cpu);
    }

    /** {@code platform.kvm}: {@code "6.16"}, {@code "6.12.78"}, {@code "6.11-rc3"}, {@code "5.6+honor-guest-pat"}. */
    public ScenarioBuilder kvm(String version) {
        return platform("kvm", version);
    }

    /** {@code platform.self-snoop} (Intel only). */
    public ScenarioBuilder selfSnoop(boolean selfSnoop) {
        return platform("self-snoop", selfSnoop);
    }

    /** A {@code qemu:} key: {@code version}, {@code virgl}, {@code blob}, {@code gpu}, {@code import}, ... */
    public ScenarioBuilder qemu(String key, Object value) {
        qemu.put(key, value);
        return this;
    }

    /** {@code gpu-process.driver}: {@code amdgpu}, {@code i915}, {@code nvidia-proprietary}, ... */
    public ScenarioBuilder driver(String driver) {
        gpuProcess.put("driver", driver);
        return this;
    }

    /** {@code migration.policy}: {@code status-quo}, {@code ram-copy}, {@code blob-as-gpu-state}. */
    public ScenarioBuilder migrationPolicy(String policy) {
        migration.put("policy", policy);
        return this;
    }

    /** Any step: its kind and its fields as key, value, key, value ({@code step("walk-memslots", "by", "gdbstub")}). */
    public ScenarioBuilder step(String kind, Object... keysAndValues) {
        steps.add("- " + YamlText.key(kind) + ": " + YamlText.value(map(keysAndValues)));
        return this;
    }

    /** {@code allocate: {buffer, size, placement}}: the GPU process allocates a buffer ({@code "2MiB"}). */
    public ScenarioBuilder allocate(String buffer, String size, String placement) {
        return step("allocate", "buffer", buffer, "size", size, "placement", placement);
    }

    /** {@code export: {buffer}}: a dma-buf fd to QEMU. */
    public ScenarioBuilder export(String buffer) {
        return step("export", "buffer", buffer);
    }

    /** {@code map-blob: {buffer, gpa}}: QEMU's memslot and the guest mapping. */
    public ScenarioBuilder mapBlob(String buffer, long gpa) {
        return step("map-blob", "buffer", buffer, "gpa", new Hex(gpa));
    }

    /** {@code guest-map: {buffer}}: the guest's type from map_info. */
    public ScenarioBuilder guestMap(String buffer) {
        return step("guest-map", "buffer", buffer);
    }

    /** {@code guest-map: {buffer, pat}}: the guest maps the blob with PAT type {@code pat}. */
    public ScenarioBuilder guestMap(String buffer, String pat) {
        return step("guest-map", "buffer", buffer, "pat", pat);
    }

    /** {@code guest-write: {buffer, offset, value}}. */
    public ScenarioBuilder guestWrite(String buffer, long offset, int value) {
        return step("guest-write", "buffer", buffer, "offset", offset, "value", new Hex(value));
    }

    /** {@code guest-read: {buffer, offset}}. */
    public ScenarioBuilder guestRead(String buffer, long offset) {
        return step("guest-read", "buffer", buffer, "offset", offset);
    }

    /** {@code gpu-read: {buffer, offset}}: the GPU's DMA read. */
    public ScenarioBuilder gpuRead(String buffer, long offset) {
        return step("gpu-read", "buffer", buffer, "offset", offset);
    }

    /** {@code gpu-write: {buffer, offset, value}}: the GPU's DMA write. */
    public ScenarioBuilder gpuWrite(String buffer, long offset, int value) {
        return step("gpu-write", "buffer", buffer, "offset", offset, "value", new Hex(value));
    }

    /** {@code renderer-read: {buffer, offset}}. */
    public ScenarioBuilder rendererRead(String buffer, long offset) {
        return step("renderer-read", "buffer", buffer, "offset", offset);
    }

    /** {@code renderer-write: {buffer, offset, value}}. */
    public ScenarioBuilder rendererWrite(String buffer, long offset, int value) {
        return step("renderer-write", "buffer", buffer, "offset", offset, "value", new Hex(value));
    }

    /** {@code set-memory-region: {slot, gpa, size}} with no flags; other fields: {@link #step}. */
    public ScenarioBuilder setMemoryRegion(long slot, long gpa, String size) {
        return step("set-memory-region", "slot", slot, "gpa", new Hex(gpa), "size", size);
    }

    /** {@code migrate: {}}. */
    public ScenarioBuilder migrate() {
        return step("migrate");
    }

    /** {@code unmap-blob: {buffer}}. */
    public ScenarioBuilder unmapBlob(String buffer) {
        return step("unmap-blob", "buffer", buffer);
    }

    /**
     * A fault armed when step {@code at} begins ({@code guest-write}, {@code gpu-read#2}): {@code fault("guest-write",
     * "drop", Map.of("from", "qemu-node", "to", "monitor", "count", 1))}, {@code fault("gpu-read", "kill",
     * "gpu-process-node")}.
     */
    public ScenarioBuilder fault(String at, String action, Object argument) {
        faults.add("- " + YamlText.value(map("at", at, action, argument)));
        return this;
    }

    /** {@code expect.verdict}. */
    public ScenarioBuilder expectVerdict(String verdict) {
        this.expectedVerdict = verdict;
        return this;
    }

    /** One of {@code expect.hazards}: a hazard on {@code buffer} between {@code who} and {@code other}. */
    public ScenarioBuilder expectHazard(String buffer, String who, String other) {
        expectedHazards.add("- " + YamlText.value(map("buffer", buffer, "between", List.of(who, other))));
        return this;
    }

    /** {@code expect.migration}: {@code completed}, {@code blocked}, {@code failed}. */
    public ScenarioBuilder expectMigration(String status) {
        this.expectedMigration = status;
        return this;
    }

    /** One of {@code expect.errno}: {@code expectErrno("set-memory-region#2", "EEXIST")}. */
    public ScenarioBuilder expectErrno(String step, String errno) {
        expectedErrno.put(step, errno);
        return this;
    }

    /** The scenario file this builder stands for. */
    public String yaml() {
        List<String> lines = new ArrayList<>();
        lines.add("name: " + YamlText.quoted(name));
        if (description != null) {
            lines.add("description: " + YamlText.quoted(description));
        }
        if (seed != null) {
            lines.add("seed: " + seed);
        }
        section(lines, "platform", platform);
        section(lines, "qemu", qemu);
        section(lines, "gpu-process", gpuProcess);
        section(lines, "migration", migration);
        list(lines, "steps", steps, "  ");
        if (!faults.isEmpty()) {
            list(lines, "faults", faults, "  ");
        }
        if (expectedVerdict != null
                || expectedMigration != null
                || !expectedHazards.isEmpty()
                || !expectedErrno.isEmpty()) {
            lines.add("expect:");
            if (expectedVerdict != null) {
                lines.add("  verdict: " + YamlText.value(expectedVerdict));
            }
            if (!expectedHazards.isEmpty()) {
                list(lines, "  hazards", expectedHazards, "    ");
            }
            if (expectedMigration != null) {
                lines.add("  migration: " + YamlText.value(expectedMigration));
            }
            if (!expectedErrno.isEmpty()) {
                lines.add("  errno:");
                expectedErrno.forEach((k, v) -> lines.add("    " + YamlText.key(k) + ": " + YamlText.value(v)));
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * The scenario, loaded from {@link #yaml()} as a file would be.
     *
     * @throws InvalidScenarioException with the loader's {@code file:line:column} message and the offending line
     */
    public Scenario build() {
        String text = yaml();
        LoadResult loaded = ScenarioLoader.load(sourceName(), text);
        if (loaded instanceof ScenarioError error) {
            throw new InvalidScenarioException(error, text);
        }
        return ((LoadResult.Loaded) loaded).scenario();
    }

    /** How errors name this scenario: as the file it stands for. */
    String sourceName() {
        return "ScenarioBuilder(" + name + ")";
    }

    @Override
    public String toString() {
        return yaml();
    }

    private static void section(List<String> lines, String key, Map<String, Object> entries) {
        if (!entries.isEmpty()) {
            lines.add(key + ":");
            entries.forEach((k, v) -> lines.add("  " + YamlText.key(k) + ": " + YamlText.value(v)));
        }
    }

    private static void list(List<String> lines, String key, List<String> items, String indent) {
        if (items.isEmpty()) {
            lines.add(key + ": []");
            return;
        }
        lines.add(key + ":");
        items.forEach(item -> lines.add(indent + item));
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields come as key, value pairs; got " + keysAndValues.length
                    + " arguments: " + Arrays.asList(keysAndValues));
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
        }
        return map;
    }
}
