package org.memtypelab.runtime.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.memtypelab.protocol.NodeRole;
import org.slf4j.LoggerFactory;

/** The Pekko configuration of one node: {@code memtype-lab.conf} plus its role, port, seed nodes and overrides. */
public final class NodeConfig {

    /** Classpath resource holding the settings every node shares. */
    public static final String RESOURCE = "memtype-lab.conf";

    private static final String ARTERY = "pekko.remote.artery.";

    /** The cluster's time bounds that scale with {@link TimeFactor}. */
    static final java.util.List<String> SCALED = java.util.List.of(
            "pekko.cluster.failure-detector.acceptable-heartbeat-pause",
            "pekko.cluster.split-brain-resolver.stable-after");

    private final NodeRole role;
    private final int port;
    private final Optional<String> hostname;
    private final List<String> seedNodes;
    private final Config overrides;

    private NodeConfig(NodeRole role, int port, Optional<String> hostname, List<String> seedNodes, Config overrides) {
        this.role = Objects.requireNonNull(role, "role");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        this.port = port;
        this.hostname = hostname;
        this.seedNodes = List.copyOf(seedNodes);
        this.overrides = Objects.requireNonNull(overrides, "overrides");
    }

    /** A node of {@code role} on a free port (0) of the configured host, joined programmatically (no seed nodes). */
    public static NodeConfig forRole(NodeRole role) {
        return new NodeConfig(role, 0, Optional.empty(), List.of(), ConfigFactory.empty());
    }

    /** The same node on {@code port} (0 = any free port). */
    public NodeConfig withPort(int port) {
        return new NodeConfig(role, port, hostname, seedNodes, overrides);
    }

    /** The same node on {@code hostname} instead of {@code 127.0.0.1}. */
    public NodeConfig withHostname(String hostname) {
        return new NodeConfig(role, port, Optional.of(hostname), seedNodes, overrides);
    }

    /** The same node joining through these seeds, each {@code host:port} or a full {@code pekko://} address. */
    public NodeConfig withSeedNodes(List<String> seeds) {
        return new NodeConfig(
                role,
                port,
                hostname,
                seeds.stream().map(NodeConfig::seedAddress).toList(),
                overrides);
    }

    /** The same node with {@code extra} taking precedence over everything else (e.g. a {@code --config} file). */
    public NodeConfig withOverrides(Config extra) {
        return new NodeConfig(role, port, hostname, seedNodes, extra.withFallback(overrides));
    }

    /** The role of this node. */
    public NodeRole role() {
        return role;
    }

    /** The resolved configuration: overrides, then role/port/seeds, then system properties, then the shared file. */
    public Config toConfig() {
        // The config names the Slf4jLogger: initialise SLF4J on this thread before an ActorSystem's threads race to
        // do it (SLF4J then warns on stderr about "replayed" calls, which breaks the quiet CLI)
        LoggerFactory.getILoggerFactory();
        Config node = ConfigFactory.empty()
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role.label())))
                .withValue(ARTERY + "canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes));
        if (hostname.isPresent()) {
            node = node.withValue(ARTERY + "canonical.hostname", ConfigValueFactory.fromAnyRef(hostname.get()));
        }
        Config tls = Tls.current().map(dir -> Tls.config(dir, role)).orElse(ConfigFactory.empty());
        return overrides
                .withFallback(tls)
                .withFallback(node)
                .withFallback(ConfigFactory.defaultOverrides())
                .withFallback(scaledByTimeFactor())
                .withFallback(shared())
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    /** The failure detector's pause and the resolver's stable-after of {@code memtype-lab.conf}, times the factor. */
    private static Config scaledByTimeFactor() {
        Config shared = shared();
        Config scaled = ConfigFactory.empty();
        for (String path : SCALED) {
            java.time.Duration d = TimeFactor.scale(shared.getDuration(path));
            scaled = scaled.withValue(path, ConfigValueFactory.fromAnyRef(d.toMillis() + "ms"));
        }
        return scaled;
    }

    /** {@code memtype-lab.conf} alone, unresolved; fails if the resource is missing from the classpath. */
    public static Config shared() {
        return ConfigFactory.parseResources(
                NodeConfig.class.getClassLoader(),
                RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /** The ActorSystem name every node of the cluster uses. */
    public static String systemName() {
        return shared().getString("memtype-lab.system-name");
    }

    /** {@code host:port} as a full cluster address ({@code pekko://memtype-lab@host:port}); full addresses pass. */
    public static String seedAddress(String seed) {
        String s = seed.trim();
        if (s.startsWith("pekko://")) {
            return s;
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("seed must be host:port, was '" + seed + "'");
        }
        int seedPort;
        try {
            seedPort = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be host:port, was '" + seed + "'", e);
        }
        if (seedPort < 1 || seedPort > 65535) {
            throw new IllegalArgumentException("seed port must be 1..65535, was '" + seed + "'");
        }
        return "pekko://" + systemName() + "@" + s;
    }
}
