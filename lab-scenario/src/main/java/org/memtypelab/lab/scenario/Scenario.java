package org.memtypelab.lab.scenario;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.memtypelab.core.qemu.QemuConfig;

/**
 * A loaded and validated scenario file (SCENARIOS.md, scenario file).
 *
 * @param description one line, empty when the file has none
 * @param expect {@link Expect#NONE} when the file has no {@code expect}
 * @param sourceFile where it was loaded from (a path or a bundled resource name), for messages
 */
public record Scenario(
        String name,
        String description,
        long seed,
        Platform platform,
        QemuConfig qemu,
        GpuProcess gpuProcess,
        Migration migration,
        List<Step> steps,
        List<Fault> faults,
        Expect expect,
        String sourceFile) {

    /** Allowed scenario names. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9-/]+");
    /** The longest scenario name the loader accepts: a run directory is named after it (a file name has 255 bytes). */
    public static final int MAX_NAME_LENGTH = 128;

    /** The seed when the file gives none. */
    public static final long DEFAULT_SEED = 1;

    public Scenario {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("scenario name does not match " + NAME + ": " + name);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(qemu, "qemu");
        Objects.requireNonNull(gpuProcess, "gpuProcess");
        Objects.requireNonNull(migration, "migration");
        steps = List.copyOf(steps);
        faults = List.copyOf(faults);
        Objects.requireNonNull(expect, "expect");
        Objects.requireNonNull(sourceFile, "sourceFile");
    }
}
