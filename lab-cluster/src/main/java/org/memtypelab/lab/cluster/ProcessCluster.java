package org.memtypelab.lab.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.runtime.cluster.Tls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM per node role on this host ({@code --nodes processes}): the first role is the seed, every node announces
 * {@code READY} (see {@link NodeProcessMain}), and no child outlives this object or this JVM.
 */
public final class ProcessCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessCluster.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    private final Launch settings;
    /** Written only while launching; read by the shutdown hook without taking this object's lock. */
    private final List<NodeProcess> children = new CopyOnWriteArrayList<>();

    private final Map<NodeRole, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<NodeRole, String> addresses = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::killAll, "process-cluster-reaper");
    private String seed;
    private Duration formationTime;

    /** A snapshot of the builder, so reusing the builder cannot change a running cluster. */
    private record Launch(
            String java,
            String classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> mainArgs,
            Path logDir,
            Duration readyTimeout,
            Duration stopGrace,
            Waits waits,
            java.util.function.Function<NodeRole, String> hosts,
            java.util.function.BiConsumer<NodeRole, String> lines) {}

    private ProcessCluster(Launch settings) {
        this.settings = settings;
    }

    /** Settings for a cluster of {@code memtype-lab node} JVMs; see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The node address ({@code host:port}) {@code role} announced in its READY line. */
    public synchronized String address(NodeRole role) {
        return require(role, addresses.get(role));
    }

    /** The child JVM running {@code role}. */
    public synchronized NodeProcess node(NodeRole role) {
        return require(role, nodes.get(role));
    }

    /** The roles of this cluster in launch order (the first is the seed). */
    public synchronized List<NodeRole> roles() {
        return List.copyOf(nodes.keySet());
    }

    /** The directory holding each child's stderr as {@code <node>.log}. */
    public Path logDir() {
        return settings.logDir();
    }

    /** The {@code host:port} every node was told to join. */
    public synchronized String seed() {
        return seed;
    }

    /** Time from launching the first JVM until the last READY line. */
    public synchronized Duration formationTime() {
        return formationTime;
    }

    /** Crashes {@code role} with SIGKILL ({@code kill -9}) and waits until the process is gone. */
    /** {@code SIGSTOP} of {@code role}'s JVM now and {@code SIGCONT} after {@code length}: a long GC pause. */
    public synchronized void pause(NodeRole role, Duration length) {
        long pid = node(role).handle().pid();
        signal("STOP", pid);
        Thread resume = new Thread(
                () -> {
                    try {
                        Thread.sleep(length.toMillis()); // the pause itself, not a synchronisation
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    signal("CONT", pid);
                },
                "resume-" + role.label());
        resume.setDaemon(true);
        resume.start();
    }

    private static void signal(String name, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + pid, e);
        }
    }

    public synchronized void kill(NodeRole role) {
        NodeProcess node = node(role);
        if (!node.killAndWait(EXIT_TIMEOUT)) {
            throw new IllegalStateException(role + " (pid " + node.handle().pid() + ") survived SIGKILL");
        }
    }

    /**
     * Starts {@code role} again after {@link #kill}: a new JVM with the next incarnation joins through a live member
     * and this waits until it printed READY; returns its {@code host:port}.
     */
    public synchronized String restart(NodeRole role, long incarnation) {
        if (node(role).isAlive()) {
            throw new IllegalStateException(role + " is still running; kill it first");
        }
        String join = nodes.values().stream()
                .filter(NodeProcess::isAlive)
                .map(n -> addresses.get(n.role()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no live member to join"));
        NodeProcess node = launch(role, 0, join, incarnation);
        children.add(node);
        nodes.put(role, node);
        String ready = node.awaitLine(l -> l.startsWith(NodeProcessMain.READY + " "), settings.readyTimeout())
                .orElseThrow(() -> new ClusterFormationException("restarted " + node.describeFailure()));
        String address = ready.split(" ")[2];
        addresses.put(role, address);
        return address;
    }

    /**
     * Starts several killed (or downed) nodes again at once, each as its given incarnation, and waits until every one
     * printed READY; returns their {@code host:port}s.
     */
    public synchronized Map<NodeRole, String> restart(Map<NodeRole, Long> incarnations) {
        String join = nodes.values().stream()
                .filter(NodeProcess::isAlive)
                .map(n -> addresses.get(n.role()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no live member to join"));
        for (var e : incarnations.entrySet()) {
            if (node(e.getKey()).isAlive()) {
                throw new IllegalStateException(e.getKey() + " is still running; kill it first");
            }
            NodeProcess node = launch(e.getKey(), 0, join, e.getValue());
            children.add(node);
            nodes.put(e.getKey(), node);
        }
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        Map<NodeRole, String> ready = new LinkedHashMap<>();
        for (NodeRole role : incarnations.keySet()) {
            NodeProcess node = nodes.get(role);
            String line = node.awaitLine(
                            l -> l.startsWith(NodeProcessMain.READY + " "),
                            Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
                    .orElseThrow(() -> new ClusterFormationException("restarted " + node.describeFailure()));
            addresses.put(role, line.split(" ")[2]);
            ready.put(role, line.split(" ")[2]);
        }
        return ready;
    }

    /** Stops every child: SIGTERM (graceful leave), SIGKILL after the grace period; waits until all are gone. */
    @Override
    public synchronized void close() {
        List<NodeProcess> alive = children.stream().filter(NodeProcess::isAlive).toList();
        alive.forEach(n -> n.handle().destroy());
        long deadline = System.nanoTime() + settings.stopGrace().toNanos();
        for (NodeProcess node : alive) {
            node.waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and the hook is running or has run
        }
    }

    private void killAll() {
        for (NodeProcess node : children) {
            if (node.isAlive() && !node.killAndWait(EXIT_TIMEOUT)) {
                LOG.error(
                        "{} (pid {}) survived SIGKILL",
                        node.role(),
                        node.handle().pid());
            }
        }
    }

    private void launchAll(List<NodeRole> roles) {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long started = System.nanoTime();
        String seedHost = host(roles.get(0));
        int seedPort = freePort(seedHost);
        seed = seedHost + ":" + seedPort;
        // The seed starts first; the others retry joining it every seed-node-timeout until it is up.
        for (NodeRole role : roles) {
            NodeProcess node = launch(role, role == roles.get(0) ? seedPort : 0, seed, 1);
            children.add(node);
            nodes.put(role, node);
        }
        long deadline = started + settings.readyTimeout().toNanos();
        List<String> failures = new ArrayList<>();
        int ready = 0;
        for (NodeProcess node : nodes.values()) {
            settings.waits()
                    .on(nodes.size() + " node JVMs to start and join (" + ready + " ready; next: "
                            + node.role().label() + ", log " + node.log() + ")");
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<String> line = node.awaitLine(l -> l.startsWith(NodeProcessMain.READY + " "), left);
            if (line.isPresent()) {
                ready++;
                addresses.put(node.role(), line.get().split(" ")[2]);
            } else {
                failures.add(node.describeFailure());
            }
        }
        if (!failures.isEmpty()) {
            throw new ClusterFormationException("nodes not READY within "
                    + settings.readyTimeout().toMillis() + " ms: " + String.join("\n  ", failures));
        }
        formationTime = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("{} node JVMs READY after {} ms", nodes.size(), formationTime.toMillis());
    }

    private NodeProcess launch(NodeRole role, int port, String join, long incarnation) {
        List<String> command = new ArrayList<>();
        command.add(settings.java());
        command.addAll(settings.jvmOptions());
        // the node JVMs speak TLS exactly when this one does (--tls DIR)
        Tls.current().ifPresent(dir -> command.add("-D" + Tls.PROPERTY + "=" + dir.toAbsolutePath()));
        command.add("-D" + NodeProcessMain.EXIT_WITH_PARENT + "=true");
        command.add("-cp");
        command.add(settings.classpath());
        command.add(settings.mainClass());
        command.addAll(settings.mainArgs());
        command.addAll(List.of(role.label(), "--seed", join, "--port", Integer.toString(port)));
        if (settings.hosts() != null) {
            command.addAll(List.of("--host", host(role)));
        }
        if (incarnation > 1) {
            command.addAll(List.of("--incarnation", Long.toString(incarnation)));
        }
        Path log = settings.logDir().resolve(role.label() + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            LOG.debug("started {} as pid {}: {}", role, process.pid(), command);
            return new NodeProcess(role, process, log, settings.lines());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + role + ": " + command, e);
        }
    }

    private String host(NodeRole role) {
        return settings.hosts() == null ? HOST : settings.hosts().apply(role);
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static <T> T require(NodeRole role, T value) {
        if (value == null) {
            throw new IllegalStateException(role + " is not part of this cluster");
        }
        return value;
    }

    /** How the child JVMs are launched; defaults run {@code org.memtypelab.lab.run.NodeMain} on this classpath. */
    public static final class Builder {
        private String java =
                Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private String classpath = System.getProperty("java.class.path");
        private List<String> jvmOptions = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m");
        private String mainClass = "org.memtypelab.lab.run.NodeMain";
        private List<String> mainArgs = List.of();
        private Path logDir;
        private Duration readyTimeout = Duration.ofSeconds(60);
        private Duration stopGrace = Duration.ofSeconds(5);
        private Waits waits = new Waits();
        private java.util.function.Function<NodeRole, String> hosts;
        private java.util.function.BiConsumer<NodeRole, String> lines = (r, l) -> {};

        private Builder() {}

        /**
         * Each node's own address (default: every node on 127.0.0.1): it listens there and connects from there
         * ({@code NodeMain --host}), so packets name their sender (a private network's drop rules need that).
         */
        public Builder hosts(java.util.function.Function<NodeRole, String> hosts) {
            this.hosts = hosts;
            return this;
        }

        /** Gets every stdout line of every node JVM as it comes, then {@code EXITED <code>} when one ends. */
        public Builder lines(java.util.function.BiConsumer<NodeRole, String> lines) {
            this.lines = lines;
            return this;
        }

        /** The classpath of the children (default: this JVM's {@code java.class.path}). */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        /** JVM options of each child (default: serial GC, C1 only, 256 MiB heap: start-up cost dominates). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** The main class and the arguments before {@code NODE --seed HOST:PORT --port P}. */
        public Builder main(String mainClass, List<String> argsBeforeNode) {
            this.mainClass = mainClass;
            this.mainArgs = List.copyOf(argsBeforeNode);
            return this;
        }

        /** Where {@code <node>.log} (each child's stderr) goes (default: a new temporary directory). */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** How long all nodes together may take to print READY (default 60 s). */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /** How long {@link ProcessCluster#close()} waits after SIGTERM before SIGKILL (default 5 s). */
        /** Where the launch says what it waits for (default: nowhere anyone reads). */
        public Builder waits(Waits waits) {
            this.waits = waits;
            return this;
        }

        public Builder stopGrace(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        /**
         * Launches one JVM per role (the first is the seed) and waits until every one printed READY.
         *
         * @throws ClusterFormationException naming the nodes that were not READY in time; all children are killed
         */
        public ProcessCluster start(Collection<NodeRole> roles) {
            if (roles.isEmpty() || Set.copyOf(roles).size() != roles.size()) {
                throw new IllegalArgumentException("need distinct roles, got " + roles);
            }
            Path logs = logDir;
            try {
                logs = logs == null ? Files.createTempDirectory("memtype-lab-nodes") : Files.createDirectories(logs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create log directory " + logs, e);
            }
            ProcessCluster cluster = new ProcessCluster(new Launch(
                    java,
                    classpath,
                    jvmOptions,
                    mainClass,
                    mainArgs,
                    logs,
                    readyTimeout,
                    stopGrace,
                    waits,
                    hosts,
                    lines));
            try {
                cluster.launchAll(List.copyOf(roles));
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }
    }
}
