package org.memtypelab.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.Hostile;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.NodeUnderTest;
import org.memtypelab.runtime.testkit.Runs;
import org.memtypelab.runtime.testkit.TraceFiles;
import org.memtypelab.runtime.testkit.WireFuzz;

/** migration-node under hostile input: every invalid message is dropped and traced, no migration starts. */
class MigrationNodeFuzzTest {

    private static final long INCARNATION = 6;
    private static final int MESSAGES = 2_000;
    private static final int BYTE_STRINGS = 1_000;

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    @Test
    void hostileMessagesAndBytesAreDroppedAndTracedAndStartNoMigration() {
        String run = "fuzz-1";
        TestProbe<KvmProtocol.Command> kvm = kit.createTestProbe(KvmProtocol.Command.class);
        TestProbe<QemuProtocol.Command> qemu = kit.createTestProbe(QemuProtocol.Command.class);
        TestProbe<GpuProtocol.Command> gpu = kit.createTestProbe(GpuProtocol.Command.class);
        NodeUnderTest<MigrationProtocol.Command> migration =
                kit.spawnNode(MigrationNode.NODE, INCARNATION, MigrationNode::create);
        migration.step(new NodeCommand.Setup(
                Runs.setup(
                        run,
                        Runs.SEED,
                        QemuConfig.defaults(),
                        MigrationPolicy.RAM_COPY,
                        migration.traceDir().toString(),
                        new Peers(kvm.ref(), qemu.ref(), gpu.ref())),
                migration.replyTo()));
        NodeMark before = kit.mark(migration.ref());

        TestProbe<StepDone> hostileReplies = kit.createTestProbe(StepDone.class);
        TestProbe<MonitorProtocol.Command> sink = kit.createTestProbe(MonitorProtocol.Command.class);
        Hostile hostile = new Hostile(20261206L, run, INCARNATION, sink.ref());
        for (int i = 0; i < MESSAGES; i++) {
            migration.tell(hostile.migration(hostileReplies.ref()));
        }
        WireFuzz wire = new WireFuzz(kit.system(), 19L);
        List<Object> read = wire.read(
                List.of(
                        new MigrationProtocol.Migrate(new Stamp(1, 1, "conductor", run), hostileReplies.ref()),
                        new NodeCommand.GetMark(
                                kit.createTestProbe(NodeMark.class).ref())),
                BYTE_STRINGS);
        @SuppressWarnings("unchecked")
        ActorRef<Object> raw = (ActorRef<Object>) (ActorRef<?>) migration.ref();
        read.forEach(raw::tell);

        assertThat(kit.mark(migration.ref())).isEqualTo(before);
        assertThat(TraceFiles.ofKind(migration.trace(), "rejected")).hasSize(MESSAGES + read.size());
        assertThat(wire.failed() + wire.nulls() + read.size()).isEqualTo(BYTE_STRINGS);
        qemu.expectNoMessage(QUIET);

        // alive and idle: a valid migrate starts as on a fresh node, by asking QEMU
        migration.tell(new MigrationProtocol.Migrate(new Stamp(7, 20, "conductor", run), migration.replyTo()));
        QemuProtocol.GetMigrationInfo asked = qemu.expectMessageClass(QemuProtocol.GetMigrationInfo.class);
        assertThat(asked.policy()).isEqualTo(MigrationPolicy.RAM_COPY);
        assertThat(asked.stamp()).isEqualTo(new Stamp(7, 22, MigrationNode.NODE, run));
        hostileReplies.expectNoMessage(QUIET);
        sink.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        gpu.expectNoMessage(QUIET);
    }
}
