package org.memtypelab.protocol;

import org.memtypelab.core.Labelled;
import org.memtypelab.core.Labels;

/** A node of the lab; its label is the node name, the cluster role and the trace file name (SCENARIOS.md). */
public enum NodeRole implements Labelled {
    KVM("kvm-node"),
    QEMU("qemu-node"),
    GPU_PROCESS("gpu-process-node"),
    MIGRATION("migration-node"),
    MONITOR("monitor"),
    CONDUCTOR("conductor");

    private final String label;

    NodeRole(String label) {
        this.label = label;
    }

    /** The node name as users write it, e.g. {@code qemu-node}. */
    @Override
    public String label() {
        return label;
    }

    /** The node names accepted by {@link #parse}, comma separated, for error messages. */
    public static String allowed() {
        return Labels.allowed(NodeRole.class);
    }

    /**
     * The role named {@code name} (case-insensitive node name).
     *
     * @throws IllegalArgumentException naming the allowed node names if there is no such node
     */
    public static NodeRole parse(String name) {
        return Labels.parse(NodeRole.class, name)
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown node '" + name + "'; expected one of: " + allowed()));
    }

    @Override
    public String toString() {
        return label;
    }
}
