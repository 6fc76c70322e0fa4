package org.memtypelab.lab.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.memtypelab.lab.cluster.NodeProcessMain;
import org.memtypelab.lab.run.NodeGuardians;
import org.memtypelab.protocol.NodeRole;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code node NODE}: runs one node as its own process, for {@code --nodes processes} and for several hosts. */
@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = "Start one node process: kvm-node, qemu-node, gpu-process-node, migration-node, monitor.")
final class NodeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NODE", converter = RoleConverter.class, description = "The node to run.")
    NodeRole role;

    @Option(names = "--seed", paramLabel = "HOST:PORT", description = "A seed node; omit on the seed itself.")
    String seed;

    @Option(names = "--port", paramLabel = "P", description = "Artery port (0 = any; the seed needs one).")
    int port;

    @Option(names = "--incarnation", paramLabel = "N", description = "This process's incarnation (default 1).")
    long incarnation = 1;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON overrides (hostname, TLS, ...).")
    Path config;

    @Option(
            names = "--bind",
            paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class,
            description = "Address this node listens on and others reach it at (instead of 127.0.0.1 and --port).")
    HostPort bind;

    @Option(
            names = "--tls",
            paramLabel = "DIR",
            description = "Mutual TLS between the nodes with the keys `keygen DIR` made (default: plain TCP).")
    Path tls;

    @Override
    public Integer call() {
        java.util.Optional<String> tlsProblem = Main.useTls(tls);
        if (tlsProblem.isPresent()) {
            throw new CommandLine.ParameterException(spec.commandLine(), tlsProblem.get());
        }
        Config overrides = ConfigFactory.empty();
        if (config != null) {
            if (!Files.isReadable(config)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--config: cannot read " + config);
            }
            overrides = ConfigFactory.parseFile(config.toFile());
        }
        int listen = port;
        if (bind != null) {
            overrides = overrides.withFallback(
                    ConfigFactory.parseMap(java.util.Map.of("pekko.remote.artery.canonical.hostname", bind.host())));
            listen = bind.port();
        }
        if ((seed == null || seed.isBlank()) && listen == 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "the seed node needs a fixed port: --bind HOST:PORT or --port P (or give --seed)");
        }
        return NodeProcessMain.run(
                role, seed, listen, r -> NodeGuardians.guardian(r, incarnation), overrides, System.out);
    }

    /** Node names as in SCENARIOS.md. */
    static final class RoleConverter implements CommandLine.ITypeConverter<NodeRole> {
        @Override
        public NodeRole convert(String value) {
            try {
                return NodeRole.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
