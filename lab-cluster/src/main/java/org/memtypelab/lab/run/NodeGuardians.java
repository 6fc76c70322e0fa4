package org.memtypelab.lab.run;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.memtypelab.gpu.GpuProcessNode;
import org.memtypelab.kvm.KvmNode;
import org.memtypelab.migration.MigrationNode;
import org.memtypelab.monitor.CoherencyMonitor;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.qemu.QemuNode;
import org.memtypelab.runtime.NodeDispatcher;

/** The guardian of each role's ActorSystem: starts the node actor and this system's proxy of the monitor. */
public final class NodeGuardians {

    private NodeGuardians() {}

    /** The monitor singleton's proxy on {@code system}; every system (and the conductor) calls it (idempotent). */
    public static ActorRef<MonitorProtocol.Command> monitor(ActorSystem<?> system) {
        return ClusterSingleton.get(system)
                .init(SingletonActor.of(CoherencyMonitor.create(), "coherency-monitor")
                        .withSettings(ClusterSingletonSettings.create(system).withRole(NodeRole.MONITOR.label())));
    }

    /** Guardians whose incarnation counts up each time a role's guardian starts in this JVM (embedded restarts). */
    public static Function<NodeRole, Behavior<Void>> counting() {
        Map<NodeRole, AtomicLong> incarnations = new EnumMap<>(NodeRole.class);
        return role -> guardian(
                role, incarnations.computeIfAbsent(role, r -> new AtomicLong()).incrementAndGet());
    }

    /** The guardian of {@code role} in its {@code incarnation}. */
    public static Behavior<Void> guardian(NodeRole role, long incarnation) {
        return Behaviors.setup(ctx -> {
            ActorRef<MonitorProtocol.Command> monitor = monitor(ctx.getSystem());
            switch (role) {
                case KVM -> ctx.spawn(KvmNode.create(incarnation, monitor), role.label(), NodeDispatcher.PROPS);
                case QEMU -> ctx.spawn(QemuNode.create(incarnation, monitor), role.label(), NodeDispatcher.PROPS);
                case GPU_PROCESS ->
                    ctx.spawn(GpuProcessNode.create(incarnation, monitor), role.label(), NodeDispatcher.PROPS);
                case MIGRATION ->
                    ctx.spawn(MigrationNode.create(incarnation, monitor), role.label(), NodeDispatcher.PROPS);
                case MONITOR, CONDUCTOR -> {
                    // the monitor runs as the singleton above; the conductor drives runs from the CLI thread
                }
            }
            return Behaviors.empty();
        });
    }
}
