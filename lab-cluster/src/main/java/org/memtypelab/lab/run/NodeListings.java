package org.memtypelab.lab.run;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.QemuProtocol;

/** The node actors the Receptionist lists now, per role, as the conductor's subscription last reported them. */
final class NodeListings {

    private final Map<NodeRole, List<ActorRef<?>>> listed = new EnumMap<>(NodeRole.class);
    private final Address local;

    /** {@code local} stands in for refs without a host: the conductor's own system (never a node's). */
    NodeListings(Address local) {
        this.local = local;
    }

    /** The ServiceKey a role's node actor registers under. */
    static ServiceKey<?> key(NodeRole role) {
        return switch (role) {
            case KVM -> KvmProtocol.KVM_KEY;
            case QEMU -> QemuProtocol.QEMU_KEY;
            case GPU_PROCESS -> GpuProtocol.GPU_KEY;
            case MIGRATION -> MigrationProtocol.MIGRATION_KEY;
            default -> throw new IllegalArgumentException(role + " has no node actor");
        };
    }

    /** Takes a listing from the subscription: it replaces what was listed for its key. */
    void update(Receptionist.Listing listing) {
        for (NodeRole role : Conductor.NODES) {
            ServiceKey<?> key = key(role);
            if (listing.isForKey(key)) {
                listed.put(role, List.<ActorRef<?>>copyOf(listing.getServiceInstances(key)));
            }
        }
    }

    /**
     * The first listed actor of {@code role}, at {@code host:port} unless {@code address} is empty; in a simulated
     * cluster, where every actor is local, {@code address} is the new incarnation's actor name.
     */
    Optional<ActorRef<?>> at(NodeRole role, String address) {
        return listed.getOrDefault(role, List.of()).stream()
                .filter(r -> address.isEmpty()
                        || hostPort(r).equals(address)
                        || r.path().name().equals(address))
                .findFirst();
    }

    private String hostPort(ActorRef<?> ref) {
        Address a = ref.path().address();
        if (a.hasLocalScope()) {
            a = local;
        }
        return a.getHost().orElse("") + ":" + a.getPort().orElse(0);
    }
}
