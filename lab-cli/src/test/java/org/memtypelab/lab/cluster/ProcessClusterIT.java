package org.memtypelab.lab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.protocol.NodeRole;

/**
 * Three real node JVMs (process mode): they form a cluster, survive a {@code kill -9} of one, and die with close.
 * Runs under failsafe ({@code mvn verify}), which sets the property; elsewhere pass it with {@code -D}.
 */
@EnabledIfSystemProperty(
        named = "memtype-lab.process-tests",
        matches = "true",
        disabledReason = "starts JVMs; runs in failsafe or with -Dmemtype-lab.process-tests=true")
class ProcessClusterIT {

    private static final List<NodeRole> ROLES = List.of(NodeRole.KVM, NodeRole.QEMU, NodeRole.MONITOR);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path logs;

    static ProcessCluster cluster;
    static List<ProcessHandle> children;

    @BeforeAll
    static void launch() {
        // the default launch: `memtype-lab node NODE` (org.memtypelab.lab.cli.Main) with the real node guardians
        cluster = ProcessCluster.builder()
                .classpath(System.getProperty("java.class.path"))
                .logDir(logs)
                .readyTimeout(TIMEOUT)
                .start(ROLES);
        children = ROLES.stream().map(r -> cluster.node(r).handle()).toList();
        System.out.printf(
                "ProcessCluster: 3 JVMs READY after %d ms%n",
                cluster.formationTime().toMillis());
    }

    @AfterAll
    static void closeAndCheckNoOrphans() {
        long start = System.nanoTime();
        cluster.close();
        System.out.printf(
                "ProcessCluster: closed in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(ProcessHandle.current().children()).noneMatch(children::contains);
    }

    @Test
    void everyNodeIsUpAndTheSurvivorsDownAKilledOne() {
        for (NodeRole role : ROLES) {
            assertThat(cluster.node(role).isAlive()).as("%s alive", role).isTrue();
            assertThat(cluster.address(role)).startsWith("127.0.0.1:");
        }
        assertThat(cluster.address(NodeRole.KVM)).isEqualTo(cluster.seed());
        String qemu = cluster.address(NodeRole.QEMU);
        ProcessHandle qemuProcess = cluster.node(NodeRole.QEMU).handle();
        long killed = System.nanoTime();

        cluster.kill(NodeRole.QEMU);

        assertThat(qemuProcess.isAlive()).isFalse();
        assertThat(ProcessHandle.of(qemuProcess.pid())).isEmpty();
        for (NodeRole survivor : List.of(NodeRole.KVM, NodeRole.MONITOR)) {
            assertThat(cluster.node(survivor)
                            .awaitLine(l -> l.equals(NodeProcessMain.REMOVED + " qemu-node " + qemu), TIMEOUT))
                    .as("%s reports qemu-node removed", survivor)
                    .isPresent();
        }
        System.out.printf(
                "ProcessCluster: kill -9 qemu-node removed by both survivors after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        assertThat(cluster.node(NodeRole.KVM).isAlive()).isTrue();
        assertThat(cluster.node(NodeRole.MONITOR).isAlive()).isTrue();
    }

    /** SIGSTOP, then SIGCONT after the pause: the JVM is stopped ("T" in /proc) at once and runs again after. */
    @Test
    void aPausedNodeIsStoppedAndThenGoesOn() throws Exception {
        long pid = cluster.node(NodeRole.MONITOR).handle().pid();

        cluster.pause(NodeRole.MONITOR, Duration.ofSeconds(1));

        assertThat(state(pid)).as("state of the paused JVM").isEqualTo('T');
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (state(pid) == 'T' && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertThat(state(pid)).as("state after the pause").isNotEqualTo('T');
        assertThat(cluster.node(NodeRole.MONITOR).isAlive()).isTrue();
    }

    /** The process state letter of /proc/PID/stat (R, S, T, ...). */
    private static char state(long pid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
