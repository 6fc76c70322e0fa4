package org.memtypelab.lab.bench;

import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.Cluster;

/**
 * The process row's baseline node: a JVM that forms a bare Pekko cluster and nothing else. It takes the arguments
 * {@code ProcessCluster} gives a lab node ({@code NODE --seed HOST:PORT --port P}) and prints the same {@code READY}
 * line once it is Up, so both clusters are launched and awaited by the same code.
 */
public final class BareNode {

    private BareNode() {}

    public static void main(String[] args) {
        String node = args[0];
        String seed = null;
        int port = 0;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> seed = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> {
                    // options a lab node knows (--host, --incarnation) mean nothing here
                }
            }
        }
        if (seed == null) {
            System.err.println("usage: BareNode NODE --seed HOST:PORT [--port P]");
            System.exit(2);
        }
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
        ActorSystem system = ActorSystem.create(
                BareCluster.NAME, BareCluster.config(port, List.of("pekko://" + BareCluster.NAME + "@" + seed)));
        Cluster cluster = Cluster.get(system);
        cluster.registerOnMemberUp(() -> {
            var a = cluster.selfAddress();
            System.out.println("READY " + node + " " + a.getHost().get() + ":"
                    + a.getPort().get());
            System.out.flush();
        });
    }
}
