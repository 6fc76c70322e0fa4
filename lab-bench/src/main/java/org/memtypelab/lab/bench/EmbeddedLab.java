package org.memtypelab.lab.bench;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.memtypelab.lab.cluster.EmbeddedCluster;
import org.memtypelab.lab.run.LabCluster;
import org.memtypelab.lab.run.NodeGuardians;
import org.memtypelab.protocol.NodeRole;

/**
 * A warm embedded cluster the bench both plays runs on (row 1) and sends raw events through (row 4): the same
 * {@link EmbeddedCluster} {@code LabCluster.embedded()} forms, with its node systems in reach.
 */
final class EmbeddedLab implements LabCluster {

    final EmbeddedCluster cluster;

    private EmbeddedLab(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    static EmbeddedLab form() {
        EmbeddedCluster c = EmbeddedCluster.start(ROLES, NodeGuardians.counting());
        try {
            return new EmbeddedLab(c.awaitUp(FORMATION_TIMEOUT));
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public ActorSystem<?> conductor() {
        return cluster.system(NodeRole.CONDUCTOR);
    }

    @Override
    public String mode() {
        return "embedded";
    }

    @Override
    public void kill(NodeRole role) {
        cluster.kill(role);
    }

    @Override
    public String restart(NodeRole role) {
        ActorSystem<Void> system = cluster.restart(role);
        cluster.awaitUp(FORMATION_TIMEOUT);
        var a = system.address();
        return a.getHost().orElse("") + ":" + a.getPort().orElse(0);
    }

    @Override
    public void pause(NodeRole role, Duration length) {
        cluster.pause(role, length);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
