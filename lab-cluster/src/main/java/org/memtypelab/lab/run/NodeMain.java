package org.memtypelab.lab.run;

import org.memtypelab.lab.cluster.NodeProcessMain;
import org.memtypelab.protocol.NodeRole;

/**
 * The entry point {@link org.memtypelab.lab.cluster.ProcessCluster} starts each node JVM with:
 * {@code NODE --seed HOST:PORT --port P [--incarnation N] [--host ADDRESS]}, exactly as the launcher writes it (users start nodes with
 * {@code memtype-lab node}, which checks its input). Living here, process mode needs nothing but this module on the
 * classpath: the JUnit extension's process mode works without the command line.
 */
public final class NodeMain {

    private NodeMain() {}

    public static void main(String[] args) {
        NodeRole role = NodeRole.parse(args[0]);
        String seed = null;
        int port = 0;
        long incarnation = 1;
        String host = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> seed = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--incarnation" -> incarnation = Long.parseLong(args[i + 1]);
                case "--host" -> host = args[i + 1];
                default -> throw new IllegalArgumentException("unknown launcher option " + args[i]);
            }
        }
        long n = incarnation;
        com.typesafe.config.Config overrides = host == null
                ? com.typesafe.config.ConfigFactory.empty()
                : org.memtypelab.lab.network.PrivateNetwork.listenOn(host);
        System.exit(NodeProcessMain.run(role, seed, port, r -> NodeGuardians.guardian(r, n), overrides, System.out));
    }
}
