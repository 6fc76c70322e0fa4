package org.memtypelab.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A node of the lab; its label is the node name, the cluster role and the trace file name (SCENARIOS.md). */
public enum NodeRole {
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
    public String label() {
        return label;
    }

    /** The node names accepted by {@link #parse}, comma separated, for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(NodeRole::label).collect(Collectors.joining(", "));
    }

    /**
     * The role named {@code name} (case-insensitive node name).
     *
     * @throws IllegalArgumentException naming the allowed node names if there is no such node
     */
    public static NodeRole parse(String name) {
        if (name != null) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (NodeRole role : values()) {
                if (role.label.equals(wanted)) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException("unknown node '" + name + "'; expected one of: " + allowed());
    }

    @Override
    public String toString() {
        return label;
    }
}
