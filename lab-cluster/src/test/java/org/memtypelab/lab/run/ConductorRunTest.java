package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioLoader;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;

/**
 * The conductor's run actor against probes that play the nodes and the monitor: retries on the attempt timer, and
 * nodes found through the Receptionist subscription whenever they register.
 */
class ConductorRunTest {

    /** The conductor's timeouts, scaled down: an attempt of 300 ms, three attempts. */
    private static final RunTimeouts FAST = new RunTimeouts(
            Duration.ofMillis(300),
            3,
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofMillis(50));

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static final Scenario ONE_ALLOCATION = scenario("""
            name: conductor-test
            platform: {cpu: intel, self-snoop: true, kvm: "6.13"}
            gpu-process: {driver: amdgpu}
            steps:
              - allocate: {buffer: b0, size: 2MiB, placement: vram}
            """);

    static ActorTestKit testKit;
    static Conductor conductor;

    private TestProbe<MonitorProtocol.Command> monitor;
    private TestProbe<KvmProtocol.Command> kvm;
    private TestProbe<QemuProtocol.Command> qemu;
    private TestProbe<GpuProtocol.Command> gpu;
    private TestProbe<MigrationProtocol.Command> migration;

    @BeforeAll
    static void startSystem() {
        testKit = ActorTestKit.create(ConfigFactory.parseString("""
                memtype-lab.node-dispatcher {
                  type = Dispatcher
                  executor = "thread-pool-executor"
                  thread-pool-executor.fixed-pool-size = 2
                }
                """));
    }

    @AfterAll
    static void stopSystem() {
        testKit.shutdownTestKit();
    }

    @AfterEach
    void deregisterNodes() {
        deregister(KvmProtocol.KVM_KEY, kvm);
        deregister(QemuProtocol.QEMU_KEY, qemu);
        deregister(GpuProtocol.GPU_KEY, gpu);
        deregister(MigrationProtocol.MIGRATION_KEY, migration);
    }

    @Test
    void aStepWhoseFirstAttemptGetsNoAnswerIsSentAgainAndTheRepeatIsAnswered() throws Exception {
        registerAll();
        Path dir = Files.createTempDirectory("conductor-retry");

        CompletableFuture<RunOutcome> run = play(dir, "retry");
        setUp("retry");
        GpuProtocol.Allocate first = gpu.expectMessageClass(GpuProtocol.Allocate.class, WAIT);
        // no answer: the attempt timer fires and the same command goes out again
        GpuProtocol.Allocate second = gpu.expectMessageClass(GpuProtocol.Allocate.class, WAIT);
        assertThat(second).isEqualTo(first);
        second.replyTo().tell(StepDone.of(second.stamp(), "gpu-process-node", true, "allocated b0", 7));
        RunOutcome outcome = finish("retry", run);

        assertThat(outcome.incomplete()).isEmpty();
        assertThat(outcome.steps())
                .containsExactly(new StepRecord(1, "allocate", true, "gpu-process-node", "allocated b0", ""));
        assertThat(Files.readString(dir.resolve("trace-conductor.jsonl"), StandardCharsets.UTF_8))
                .contains("\"detail\":\"no answer to allocate from gpu-process-node, attempt 2\"")
                .doesNotContain("attempt 3")
                .contains("\"what\":\"allocate done\"");
        gpu.expectNoMessage(FAST.attempt().multipliedBy(2)); // answered: no third attempt
    }

    @Test
    void aNodeListedAfterTheRunStartedIsFoundThroughTheSubscription() throws Exception {
        registerAllButMigration();

        CompletableFuture<RunOutcome> run = play(Files.createTempDirectory("conductor-late-node"), "late");
        // three of four nodes listed: the run waits, it asks nobody
        monitor.expectNoMessage(Duration.ofMillis(500));
        kvm.expectNoMessage(Duration.ZERO);
        migration = register(MigrationProtocol.MIGRATION_KEY);
        setUp("late");
        GpuProtocol.Allocate allocate = gpu.expectMessageClass(GpuProtocol.Allocate.class, WAIT);
        allocate.replyTo().tell(StepDone.of(allocate.stamp(), "gpu-process-node", true, "allocated b0", 3));
        RunOutcome outcome = finish("late", run);

        assertThat(outcome.incomplete()).isEmpty();
        assertThat(outcome.steps()).hasSize(1);
    }

    @Test
    void aNodeThatNeverRegistersEndsTheRunIncompleteAfterTheDiscoveryTimeout() throws Exception {
        registerAllButMigration();

        RunOutcome outcome = play(Files.createTempDirectory("conductor-missing-node"), "missing")
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(outcome.incomplete()).isEqualTo("migration-node never registered with the Receptionist within PT2S");
        assertThat(outcome.report()).isNull();
        monitor.expectNoMessage(Duration.ZERO);
    }

    private CompletableFuture<RunOutcome> play(Path dir, String runId) {
        Conductor c = new Conductor(new ProbeCluster(testKit.system()), monitor.ref(), FAST);
        return CompletableFuture.supplyAsync(() -> c.run(ONE_ALLOCATION, 1, dir, runId, FaultPlan.NONE));
    }

    /** Answers the monitor's reset and every node's setup, in the conductor's order. */
    private void setUp(String runId) {
        MonitorProtocol.Reset reset = monitor.expectMessageClass(MonitorProtocol.Reset.class, WAIT);
        assertThat(reset.runId()).isEqualTo(runId);
        reset.replyTo().tell(StepDone.of(new Stamp(0, 1, "monitor"), "monitor", true, "reset", 1));
        ready(kvm, "kvm-node");
        ready(qemu, "qemu-node");
        ready(gpu, "gpu-process-node");
        ready(migration, "migration-node");
    }

    private static void ready(TestProbe<?> node, String name) {
        Object m = node.receiveMessage(WAIT);
        assertThat(m).isInstanceOf(NodeCommand.Setup.class);
        NodeCommand.Setup setup = (NodeCommand.Setup) m;
        setup.replyTo().tell(StepDone.of(new Stamp(0, 1, name), name, true, "fresh", 1));
    }

    /** Answers every node's mark request and the monitor's report, then returns the run's outcome. */
    private RunOutcome finish(String runId, CompletableFuture<RunOutcome> run) throws Exception {
        mark(kvm, "kvm-node");
        mark(qemu, "qemu-node");
        mark(gpu, "gpu-process-node");
        mark(migration, "migration-node");
        MonitorProtocol.Report report = monitor.expectMessageClass(MonitorProtocol.Report.class, WAIT);
        assertThat(report.marks()).extracting(NodeMark::node).hasSize(4);
        report.replyTo()
                .tell(new MonitorProtocol.MonitorReport(
                        runId, Verdict.CONSISTENT, Map.of(), List.of(), List.of(), List.of(), List.of(), 0));
        return run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> void mark(TestProbe<T> node, String name) {
        Object m = node.receiveMessage(WAIT);
        assertThat(m).isInstanceOf(NodeCommand.GetMark.class);
        NodeCommand.GetMark get = (NodeCommand.GetMark) m;
        ActorRef<NodeCommand.ResendTo> resendTo =
                TestProbe.<NodeCommand.ResendTo>create(testKit.system()).ref();
        get.replyTo().tell(new NodeMark(name, 1, 0, resendTo));
    }

    private void registerAll() {
        registerAllButMigration();
        migration = register(MigrationProtocol.MIGRATION_KEY);
    }

    /** The monitor and every node but migration-node, which a test registers late or never. */
    private void registerAllButMigration() {
        monitor = TestProbe.create(testKit.system());
        kvm = register(KvmProtocol.KVM_KEY);
        qemu = register(QemuProtocol.QEMU_KEY);
        gpu = register(GpuProtocol.GPU_KEY);
    }

    private static <T> TestProbe<T> register(ServiceKey<T> key) {
        TestProbe<T> node = TestProbe.create(testKit.system());
        TestProbe<Receptionist.Registered> registered = TestProbe.create(testKit.system());
        testKit.system().receptionist().tell(Receptionist.register(key, node.ref(), registered.ref()));
        registered.expectMessageClass(Receptionist.Registered.class, WAIT);
        return node;
    }

    private static <T> void deregister(ServiceKey<T> key, TestProbe<T> node) {
        if (node == null) {
            return;
        }
        TestProbe<Receptionist.Deregistered> deregistered = TestProbe.create(testKit.system());
        testKit.system().receptionist().tell(Receptionist.deregister(key, node.ref(), deregistered.ref()));
        deregistered.expectMessageClass(Receptionist.Deregistered.class, WAIT);
    }

    private static Scenario scenario(String yaml) {
        LoadResult r = ScenarioLoader.load("conductor-test.yaml", yaml);
        assertThat(r).as("%s", r).isInstanceOf(LoadResult.Loaded.class);
        return ((LoadResult.Loaded) r).scenario();
    }

    /** A cluster whose conductor system is the test kit's; these tests kill and restart nothing. */
    private record ProbeCluster(ActorSystem<?> conductor) implements LabCluster {
        @Override
        public String mode() {
            return "test";
        }

        @Override
        public void kill(NodeRole role) {
            throw new UnsupportedOperationException("no kills in this test");
        }

        @Override
        public String restart(NodeRole role) {
            throw new UnsupportedOperationException("no restarts in this test");
        }

        @Override
        public void close() {}
    }
}
