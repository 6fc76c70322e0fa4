package org.memtypelab.lab.network;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.protocol.NodeRole;

/**
 * The network of one isolated cluster, inside its private namespace: every node on its own loopback address, network
 * faults as nftables drop rules, and a record of what the cluster did from a run's first network fault on (written to
 * the run directory as {@code network.json} whenever it changes).
 */
public final class PrivateNetwork {

    /** The file in a run directory holding {@link RunResult.NetworkEntry}. */
    public static final String FILE = "network.json";

    private static final String NETWORK = "network";

    private final Function<NodeRole, Integer> ports;
    private final List<String> rules = new ArrayList<>();
    private final List<RunResult.NetworkEvent> events = new ArrayList<>();
    private Path runDir;
    private long origin;

    /** {@code ports}: the Artery port each node listens on now (it changes when a node is restarted). */
    public PrivateNetwork(Function<NodeRole, Integer> ports) {
        this.ports = ports;
    }

    /** The loopback address of {@code role}: 127.0.0.2 for kvm-node up to 127.0.0.7 for the conductor. */
    public static String address(NodeRole role) {
        return "127.0.0." + (role.ordinal() + 2);
    }

    /** The loopback address of the node named {@code label}. */
    public static String addressOf(String label) {
        return address(NodeRole.parse(label));
    }

    /** A node listening on {@code host} and connecting from it (so its packets carry its own address). */
    public static Config listenOn(String host) {
        return ConfigFactory.parseMap(Map.of(
                "pekko.remote.artery.canonical.hostname", host,
                "pekko.remote.artery.advanced.tcp.outbound-client-hostname", host));
    }

    /** Cuts the links of {@code p} (on top of earlier cuts) for the run in {@code dir}; returns the rules added. */
    public synchronized List<String> cut(Path dir, FaultPlan.Partition p) {
        List<String> added = new ArrayList<>();
        for (FaultPlan.Link link : p.cuts()) {
            added.addAll(NftRuleset.cut(link, PrivateNetwork::addressOf, this::port));
        }
        apply(dir, added, "cut", p.describe());
        return added;
    }

    /** Loses packets as {@code loss} says, for the run in {@code dir}; returns the rule added. */
    public synchronized List<String> lose(Path dir, FaultPlan.Loss loss) {
        List<String> added = List.of(NftRuleset.loss(loss, PrivateNetwork::addressOf));
        apply(dir, added, "loss", loss.describe());
        return added;
    }

    /** Removes every rule; {@code dir} is the run's, or null between runs. */
    public synchronized void heal(Path dir) {
        boolean had = !rules.isEmpty();
        rules.clear();
        nft(NftRuleset.replace(rules));
        if (dir != null) {
            record(dir, new RunResult.NetworkEvent(at(dir), NETWORK, "heal", null, had ? null : "nothing was cut"));
        }
    }

    /** A new run: nothing is cut, and nothing is recorded until its first network fault. */
    public synchronized void newRun() {
        rules.clear();
        nft(NftRuleset.replace(rules));
        events.clear();
        runDir = null;
    }

    /**
     * A line of {@code observer}'s cluster view (the node JVMs' stdout protocol: {@code UNREACHABLE <node>
     * <host:port>}, {@code REACHABLE}, {@code DOWNED}, {@code REMOVED}, or {@code EXITED <code>} of its JVM).
     */
    public synchronized void observe(String observer, String line) {
        if (runDir == null) {
            return;
        }
        String[] w = line.split(" ");
        String event = w[0].toLowerCase(java.util.Locale.ROOT);
        switch (event) {
            case "unreachable", "reachable", "downed", "removed" -> {
                if (w.length >= 2) {
                    record(runDir, new RunResult.NetworkEvent(at(runDir), observer, event, w[1], null));
                }
            }
            case "exited" ->
                record(
                        runDir,
                        new RunResult.NetworkEvent(
                                at(runDir),
                                observer,
                                event,
                                observer,
                                w.length > 1 && w[1].equals("3")
                                        ? "exit code 3: downed, it stopped itself"
                                        : "exit code " + (w.length > 1 ? w[1] : "?")));
            default -> {
                // READY lines and anything else say nothing about the network
            }
        }
    }

    /** The nodes some member saw downed (or whose JVM stopped itself as downed) since the run's first fault. */
    public synchronized Set<String> downed() {
        return entry().map(e -> Set.copyOf(e.downed())).orElse(Set.of());
    }

    /** What the network and the cluster did in this run, if it had a network fault. */
    public synchronized Optional<RunResult.NetworkEntry> entry() {
        if (runDir == null) {
            return Optional.empty();
        }
        Set<String> downed = new LinkedHashSet<>();
        for (RunResult.NetworkEvent e : events) {
            boolean stoppedItself = e.event().equals("exited")
                    && e.detail() != null
                    && e.detail().startsWith("exit code 3");
            if (e.node() != null && (e.event().equals("downed") || stoppedItself)) {
                downed.add(e.node());
            }
        }
        // the cluster's view is its survivors': what a downed node thought of the others died with it
        Set<String> unreachable = new LinkedHashSet<>();
        Set<String> rejoined = new LinkedHashSet<>();
        for (RunResult.NetworkEvent e : events) {
            if (e.node() == null || downed.contains(e.observer())) {
                continue;
            }
            if (e.event().equals("unreachable")) {
                unreachable.add(e.node());
                rejoined.remove(e.node());
            } else if (e.event().equals("reachable") && unreachable.contains(e.node())) {
                rejoined.add(e.node());
            }
        }
        rejoined.removeAll(downed);
        Map<String, String> addresses = new TreeMap<>();
        for (NodeRole r : NodeRole.values()) {
            addresses.put(r.label(), address(r));
        }
        return Optional.of(new RunResult.NetworkEntry(
                "isolated",
                addresses,
                List.copyOf(events),
                List.copyOf(unreachable),
                List.copyOf(downed),
                List.copyOf(rejoined)));
    }

    /** Reads the {@link #FILE} a run with network faults left in {@code dir}. */
    public static Optional<RunResult.NetworkEntry> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Documents.JSON.readValue(file.toFile(), RunResult.NetworkEntry.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void apply(Path dir, List<String> added, String event, String what) {
        rules.addAll(added);
        nft(NftRuleset.replace(rules));
        record(dir, new RunResult.NetworkEvent(at(dir), NETWORK, event, null, what));
    }

    private long at(Path dir) {
        if (runDir == null || !runDir.equals(dir)) {
            runDir = dir;
            origin = System.nanoTime();
            events.clear();
        }
        return (System.nanoTime() - origin) / 1_000_000;
    }

    private void record(Path dir, RunResult.NetworkEvent e) {
        events.add(e);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            Documents.PRETTY.writeValue(tmp.toFile(), entry().orElseThrow());
            Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e2) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e2);
        }
    }

    private int port(String label) {
        return ports.apply(NodeRole.parse(label));
    }

    private static void nft(String ruleset) {
        Optional<String> failed = Nft.apply(ruleset);
        if (failed.isPresent()) {
            throw new IllegalStateException("nft refused the lab's rules: " + failed.get() + "\n" + ruleset);
        }
    }
}
