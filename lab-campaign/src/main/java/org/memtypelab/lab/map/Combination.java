package org.memtypelab.lab.map;

import java.util.Locale;
import org.memtypelab.core.gpu.Placement;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.ScenarioLoader;

/**
 * One point of the design space and the scenario that asks it: share a 2 MiB blob with the guest, map it (the guest's
 * type from map_info, rule 30), write it from the guest and read it with the GPU, migrate, and do both again (the
 * flow of the catalogue's thread/ scenarios, option 6's migration window included).
 */
public record Combination(
        Axes.Design design, Axes.Era era, Axes.Cpu cpu, Axes.Placement placement, MigrationPolicy migration) {

    /** The scenario's name: {@code map/<design>/<cpu>/<kernel>/<placement>/<migration>}. */
    public String name() {
        return ("map/" + design.id() + "/" + cpu.id() + "/" + era.kernel() + "/" + placement.id() + "/"
                        + migration.label())
                .replace('.', '-')
                .toLowerCase(Locale.ROOT);
    }

    /** The kernel version as the scenario states it, design suffix included. */
    public String kernel() {
        return design.kernel(era.kernel());
    }

    /** The scenario, as a file a user could save and play with {@code run}. */
    public String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("name: ").append(name()).append('\n');
        y.append("description: >-\n  design-space map: ")
                .append(design.title())
                .append(" on ")
                .append(cpu.title())
                .append(", kernel ")
                .append(era.range())
                .append(", ")
                .append(placement.title())
                .append(", migration ")
                .append(migration.label())
                .append('\n');
        y.append("platform: {cpu: ").append(cpu.vendor());
        if (cpu.vendor().equals("intel")) {
            y.append(", self-snoop: ").append(cpu.selfSnoop());
        }
        y.append(", kvm: \"").append(kernel()).append('"');
        if (design.quirkOff()) {
            y.append(", ignore-guest-pat-quirk: off");
        }
        if (design.guestMtrrUcWithVfio()) {
            y.append(", noncoherent-dma: true");
        }
        y.append("}\n");
        y.append("qemu: {version: \"9.2\", virgl: true, gpu: ").append(placement.gpu());
        if (placement.gpu().equals("vhost-user-gpu")) {
            y.append(", import: dmabuf-mmap");
        }
        y.append(", blob-access: kvm-only}\n");
        y.append("gpu-process: {driver: ").append(placement.driver()).append("}\n");
        y.append("migration: {policy: ").append(migration.label()).append("}\n");
        y.append("steps:\n");
        y.append("  - allocate: {buffer: b0, size: 2MiB, placement: ")
                .append(placement.placement())
                .append("}\n");
        y.append("  - export: {buffer: b0}\n");
        y.append("  - map-blob: {buffer: b0, gpa: 0x100000000");
        if (design.slotFlag()) {
            y.append(", flags: [kvm-mem-dma]");
        }
        if (design.slotMemtype()) {
            // DOMAIN 9 row 4: "matches R if userspace picks R's type" - the VMM picks the renderer's type
            y.append(", memtype: ").append(rendererType());
        }
        y.append("}\n");
        y.append(
                design.guestMtrrUcWithVfio()
                        ? "  - guest-map: {buffer: b0, mtrr: UC}\n"
                        : "  - guest-map: {buffer: b0}\n");
        y.append("  - guest-write: {buffer: b0, offset: 0, value: 0xab}\n");
        y.append("  - gpu-read: {buffer: b0, offset: 0}\n");
        y.append("  - migrate: {}\n");
        y.append("  - guest-write: {buffer: b0, offset: 64, value: 0xcd}\n");
        y.append("  - gpu-read: {buffer: b0, offset: 64}\n");
        return y.toString();
    }

    private String rendererType() {
        return Placement.parse(placement.placement())
                .orElseThrow(() -> new IllegalStateException("no placement " + placement.placement()))
                .profile()
                .rendererMap()
                .label();
    }

    /** The scenario loaded as {@code run} would load it; a {@code ScenarioError} when KVM or QEMU refuse it. */
    public LoadResult load() {
        return ScenarioLoader.load(name(), yaml());
    }
}
