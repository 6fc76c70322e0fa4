package org.memtypelab.lab.network;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Making the private network namespace: whether this host can ({@link #problem}), re-launching this very command inside
 * a new one ({@link #relaunch}), and bringing its loopback up once inside ({@link #bringUpLoopback}). Nothing outside
 * the namespace is touched; its addresses and rules vanish with it.
 */
public final class Isolation {

    /** Environment variable set for the JVM re-launched inside the namespace. */
    public static final String INSIDE = "MEMTYPE_LAB_NETNS";

    private static final long TOOL_TIMEOUT_S = 10;

    private Isolation() {}

    /** Whether this JVM runs inside the namespace {@link #relaunch} made. */
    public static boolean inside() {
        return "1".equals(System.getenv(INSIDE));
    }

    /**
     * Why a private network namespace with nftables cannot be made here, in plain words; empty when it can. Tries it:
     * a throw-away namespace brings its loopback up and creates an nftables table.
     */
    public static Optional<String> problem() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of(
                    "--network isolated needs Linux network namespaces; this is " + System.getProperty("os.name"));
        }
        for (String tool : List.of("unshare", "ip", "nft")) {
            if (tool(tool).isEmpty()) {
                return Optional.of("--network isolated needs the '" + tool + "' command, which is not installed ("
                        + switch (tool) {
                            case "unshare" -> "Debian package util-linux";
                            case "ip" -> "Debian package iproute2";
                            default -> "Debian package nftables";
                        }
                        + ")");
            }
        }
        List<String> probe = new ArrayList<>(unshare());
        probe.addAll(List.of(tool("ip").orElseThrow(), "link", "set", "lo", "up"));
        Optional<String> failed = run(probe);
        if (failed.isPresent()) {
            return Optional.of("--network isolated cannot create a private network namespace here"
                    + (root() ? "" : " (not root, and unprivileged user namespaces are not allowed)") + ": "
                    + failed.get());
        }
        List<String> nft = new ArrayList<>(unshare());
        nft.addAll(List.of(tool("nft").orElseThrow(), "add", "table", "inet", "memtype_lab_probe"));
        return run(nft).map(why -> "--network isolated cannot use nftables in a private network namespace: " + why);
    }

    /**
     * Runs {@code args} of the command line again, in this JVM's way ({@code mainClass} on this classpath), inside a new
     * network namespace, and waits for it; its output is this one's. Returns its exit code.
     */
    public static int relaunch(Class<?> mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(unshare());
        command.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(INSIDE, "1");
        Process child = builder.start();
        // the child kills its node JVMs on SIGTERM; no orphan may outlive an interrupted run
        Thread reaper = new Thread(child::destroy, "netns-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            return child.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down; the hook stops the child
            }
        }
    }

    /** Inside the namespace: loopback starts down, and Linux answers for all of 127.0.0.0/8 once it is up. */
    public static void bringUpLoopback() {
        Optional<String> failed = run(List.of(tool("ip").orElse("ip"), "link", "set", "lo", "up"));
        if (failed.isPresent()) {
            throw new IllegalStateException("cannot bring up loopback in the private network: " + failed.get());
        }
    }

    /** {@code unshare} with the options that make a network namespace as this user: as root, or in a user namespace. */
    static List<String> unshare() {
        List<String> command = new ArrayList<>(List.of(tool("unshare").orElse("unshare")));
        if (!root()) {
            command.addAll(List.of("--user", "--map-root-user"));
        }
        command.addAll(List.of("--net", "--"));
        return command;
    }

    /** Runs {@code command}; empty if it exited 0, otherwise what it said (or why it could not run). */
    static Optional<String> run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(String.join(" ", command) + " did not finish within " + TOOL_TIMEOUT_S + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0
                    ? Optional.empty()
                    : Optional.of((out.isEmpty() ? "" : out.lines().findFirst().orElse("") + " ") + "(exit "
                            + p.exitValue() + " of " + Path.of(command.get(0)).getFileName() + ")");
        } catch (IOException e) {
            return Optional.of("cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while running " + command.get(0));
        }
    }

    /** The full path of {@code name} on PATH or in the sbin directories (root's tools), if installed. */
    static Optional<String> tool(String name) {
        List<String> dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }

    private static boolean root() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
