package org.memtypelab.runtime.testkit;

import java.nio.file.Path;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.RunSetup;

/** The runs node tests set up: seed 42 and the SCENARIOS.md defaults unless a test says otherwise. */
public final class Runs {

    public static final long SEED = 42;

    private Runs() {}

    /** A run on the default platform and QEMU, under the status-quo migration policy. */
    public static RunSetup setup(String runId, String traceDir, Peers peers) {
        return setup(runId, SEED, QemuConfig.defaults(), MigrationPolicy.STATUS_QUO, traceDir, peers);
    }

    /** A run on the default platform and QEMU, under the status-quo migration policy. */
    public static RunSetup setup(String runId, Path traceDir, Peers peers) {
        return setup(runId, traceDir.toString(), peers);
    }

    /** A run on the default platform. */
    public static RunSetup setup(
            String runId, long seed, QemuConfig qemu, MigrationPolicy policy, String traceDir, Peers peers) {
        return new RunSetup(runId, seed, KvmPlatform.defaults(), qemu, policy, traceDir, peers);
    }
}
