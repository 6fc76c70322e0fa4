package org.memtypelab.lab.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random scenario texts built from the format's own keys and values (and a few wrong ones), so that many are
 * valid and the rest fail deep inside the loader rather than at the first line.
 */
final class ScenarioGenerator {

    private static final String[] CPU = {"intel", "intel", "amd", "arm"};
    private static final String[] BOOL = {"true", "false", "on", "off", "maybe"};
    private static final String[] KVM = {
        "\"5.6\"",
        "\"5.12\"",
        "\"6.10\"",
        "\"6.11-rc3\"",
        "\"6.12.78\"",
        "\"6.16\"",
        "\"5.6+kvm-mem-dma\"",
        "\"6.16+honor-guest-pat\"",
        "\"5.6+slot-memtype\"",
        "\"9.99\"",
        "6.10",
        "x"
    };
    private static final String[] QEMU_VERSION = {"\"9.2\"", "\"8.1.3\"", "\"8.2\"", "\"7.0\"", "ten"};
    private static final String[] DRIVER = {"amdgpu", "amdgpu", "i915", "udmabuf", "nvidia-open", "nvidia-proprietary"};
    private static final String[] PLACEMENT = {
        "gtt-uswc", "gtt-cached", "vram", "shmem-llc", "shmem-wc", "lmem", "guest-ram", "vidmem", "nowhere"
    };
    private static final String[] POLICY = {"status-quo", "ram-copy", "blob-as-gpu-state", "teleport"};
    private static final String[] PAT = {"WB", "WC", "UC", "UC-", "WT", "WP", "WC+", "XX"};
    private static final String[] SIZE = {"4KiB", "2MiB", "4096", "1GiB", "0", "99999TiB", "3"};
    private static final String[] GPA = {"0x100000000", "0x0", "0x200000", "0xfffffffffffff000", "-1"};
    private static final String[] NODE = {"kvm-node", "qemu-node", "gpu-process-node", "migration-node", "monitor"};

    private ScenarioGenerator() {}

    static String scenario(SplittableRandom r) {
        StringBuilder b = new StringBuilder("name: generated/s" + r.nextInt(1000) + "\n");
        if (r.nextInt(3) == 0) {
            b.append("seed: ").append(r.nextLong()).append('\n');
        }
        if (r.nextBoolean()) {
            b.append("platform: {cpu: ").append(pick(r, CPU)).append(", kvm: ").append(pick(r, KVM));
            if (r.nextInt(3) == 0) {
                b.append(", self-snoop: ").append(pick(r, BOOL));
            }
            if (r.nextInt(4) == 0) {
                b.append(", noncoherent-dma: ").append(pick(r, BOOL));
            }
            b.append("}\n");
        }
        if (r.nextInt(3) == 0) {
            b.append("qemu: {version: ")
                    .append(pick(r, QEMU_VERSION))
                    .append(", virgl: ")
                    .append(pick(r, BOOL));
            b.append("}\n");
        }
        String driver = pick(r, DRIVER);
        if (r.nextBoolean()) {
            b.append("gpu-process: {driver: ").append(driver).append("}\n");
        }
        if (r.nextInt(3) == 0) {
            b.append("migration: {policy: ").append(pick(r, POLICY)).append("}\n");
        }
        b.append("steps:\n");
        List<String> kinds = new ArrayList<>();
        int buffers = 1 + r.nextInt(2);
        for (int i = 0; i < buffers; i++) {
            String placement = r.nextInt(4) == 0 ? pick(r, PLACEMENT) : placementOf(driver);
            b.append("  - allocate: {buffer: b")
                    .append(i)
                    .append(", size: ")
                    .append(r.nextInt(4) == 0 ? pick(r, SIZE) : "2MiB");
            b.append(", placement: ").append(placement).append("}\n");
            kinds.add("allocate");
        }
        int steps = r.nextInt(8);
        for (int i = 0; i < steps; i++) {
            String buffer = "b" + r.nextInt(buffers + 1);
            String step = switch (r.nextInt(10)) {
                case 0 -> "export: {buffer: " + buffer + "}";
                case 1 ->
                    "map-blob: {buffer: " + buffer + ", gpa: " + (r.nextInt(3) == 0 ? pick(r, GPA) : "0x100000000")
                            + "}";
                case 2 -> "guest-map: {buffer: " + buffer + ", pat: " + pick(r, PAT) + "}";
                case 3 ->
                    "guest-write: {buffer: " + buffer + ", offset: " + r.nextInt(5000) + ", value: " + r.nextInt(300)
                            + "}";
                case 4 -> "gpu-read: {buffer: " + buffer + ", offset: 0}";
                case 5 -> "renderer-read: {buffer: " + buffer + ", offset: 0}";
                case 6 ->
                    "set-memory-region: {slot: " + r.nextInt(40_000) + ", gpa: " + pick(r, GPA) + ", size: "
                            + pick(r, SIZE) + "}";
                case 7 -> "migrate: {}";
                case 8 -> "guest-cr0-cd: {value: " + pick(r, BOOL) + "}";
                default -> "walk-memslots: {by: dump-guest-memory}";
            };
            b.append("  - ").append(step).append('\n');
            kinds.add(step.substring(0, step.indexOf(':')));
        }
        if (r.nextInt(4) == 0) {
            String kind = kinds.get(r.nextInt(kinds.size()));
            b.append("faults:\n  - {at: ")
                    .append(kind)
                    .append(", drop: {from: ")
                    .append(pick(r, NODE));
            b.append(", to: monitor, count: ").append(1 + r.nextInt(3)).append("}}\n");
        }
        if (r.nextInt(4) == 0) {
            b.append("expect: {verdict: ")
                    .append(r.nextBoolean() ? "hazard" : "consistent")
                    .append("}\n");
        }
        return b.toString();
    }

    private static String placementOf(String driver) {
        return switch (driver) {
            case "amdgpu" -> "gtt-uswc";
            case "i915" -> "shmem-wc";
            case "udmabuf" -> "guest-ram";
            default -> "vidmem";
        };
    }

    private static String pick(SplittableRandom r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
