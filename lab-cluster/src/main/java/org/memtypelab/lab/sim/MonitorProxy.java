package org.memtypelab.lab.sim;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.memtypelab.protocol.node.MonitorProtocol;

/**
 * What the cluster singleton's proxy is in the other modes: the one address of the coherency monitor. It forwards to
 * the monitor of the moment and, while there is none (killed, not yet restarted), holds what arrives and hands it to
 * the next one.
 */
final class MonitorProxy {

    /** The monitor from now on; {@code null}: none until the next one. */
    record Current(ActorRef<MonitorProtocol.Command> monitor) {}

    private MonitorProxy() {}

    static Behavior<Object> create(ActorRef<MonitorProtocol.Command> first) {
        return forwarding(first);
    }

    private static Behavior<Object> forwarding(ActorRef<MonitorProtocol.Command> monitor) {
        return Behaviors.receive(Object.class)
                .onMessage(
                        Current.class, c -> c.monitor() == null ? holding(new ArrayList<>()) : forwarding(c.monitor()))
                .onAnyMessage(m -> {
                    monitor.tell((MonitorProtocol.Command) m);
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<Object> holding(List<MonitorProtocol.Command> held) {
        return Behaviors.receive(Object.class)
                .onMessage(Current.class, c -> {
                    if (c.monitor() == null) {
                        return Behaviors.same();
                    }
                    held.forEach(c.monitor()::tell);
                    return forwarding(c.monitor());
                })
                .onAnyMessage(m -> {
                    held.add((MonitorProtocol.Command) m);
                    return Behaviors.same();
                })
                .build();
    }
}
