package org.memtypelab.protocol.node;

import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.CborSerializable;

/**
 * What every node needs to know about a run: its id, the platform, QEMU's setup, the migration policy, where to
 * write traces ({@code traceDir} is a path on the node's host), and its peers.
 */
public record RunSetup(
        String runId,
        long seed,
        KvmPlatform platform,
        QemuConfig qemu,
        MigrationPolicy policy,
        String traceDir,
        Peers peers)
        implements CborSerializable {}
