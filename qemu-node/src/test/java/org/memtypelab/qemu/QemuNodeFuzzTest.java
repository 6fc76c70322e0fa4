package org.memtypelab.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.Blobs.MIB2;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.gpu.DmaBuf;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.core.qemu.QemuModel;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MemTypeChoice;
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

/** qemu-node under hostile input: every invalid message is dropped and traced, nothing reaches kvm-node. */
class QemuNodeFuzzTest {

    private static final long INCARNATION = 5;
    private static final long GPA = 0x1_0000_0000L;
    private static final int MESSAGES = 2_000;
    private static final int BYTE_STRINGS = 1_000;

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    @Test
    void hostileMessagesAndBytesAreDroppedAndTracedAndLeaveQemuAsItWas() {
        String run = "fuzz-1";
        DmaBuf b0 = new DmaBuf("b0", MIB2, Hostile.goodProfile());
        TestProbe<KvmProtocol.Command> kvm = kit.createTestProbe(KvmProtocol.Command.class);
        NodeUnderTest<QemuProtocol.Command> qemu = kit.spawnNode(QemuNode.NODE, INCARNATION, QemuNode::create);
        qemu.step(new NodeCommand.Setup(
                Runs.setup(run, qemu.traceDir(), new Peers(kvm.ref(), null, null)), qemu.replyTo()));
        StepDone imported = qemu.step(new QemuProtocol.ImportDmaBuf(stamp(1, run), b0, qemu.replyTo()));
        qemu.tell(new QemuProtocol.MapBlob(
                stamp(2, run), "b0", GPA, Set.of(), new MemTypeChoice.ByRule(), qemu.replyTo()));
        KvmProtocol.InstallBlob install = kvm.expectMessageClass(KvmProtocol.InstallBlob.class);
        NodeMark before = kit.mark(qemu.ref());
        qemu.events((int) before.lastSeq());

        TestProbe<StepDone> hostileReplies = kit.createTestProbe(StepDone.class);
        TestProbe<QemuProtocol.MigrationInfo> hostileInfo = kit.createTestProbe(QemuProtocol.MigrationInfo.class);
        TestProbe<MonitorProtocol.Command> sink = kit.createTestProbe(MonitorProtocol.Command.class);
        Hostile hostile = new Hostile(20261205L, run, INCARNATION, sink.ref());
        for (int i = 0; i < MESSAGES; i++) {
            qemu.tell(hostile.qemu(hostileReplies.ref(), hostileInfo.ref()));
        }
        WireFuzz wire = new WireFuzz(kit.system(), 17L);
        Stamp s = stamp(1, run);
        List<Object> read = wire.read(
                List.of(
                        new QemuProtocol.ImportDmaBuf(s, b0, qemu.replyTo()),
                        new QemuProtocol.MapBlob(
                                s,
                                "b0",
                                GPA,
                                Set.of(MemslotFlag.LOG_DIRTY_PAGES),
                                new MemTypeChoice.ByRule(),
                                qemu.replyTo()),
                        new QemuProtocol.UnmapBlob(s, "b0", qemu.replyTo()),
                        new QemuProtocol.WalkMemslots(s, "dump-guest-memory", qemu.replyTo()),
                        new QemuProtocol.GetMigrationInfo(s, MigrationPolicy.RAM_COPY, hostileInfo.ref())),
                BYTE_STRINGS);
        @SuppressWarnings("unchecked")
        ActorRef<Object> raw = (ActorRef<Object>) (ActorRef<?>) qemu.ref();
        read.forEach(raw::tell);
        qemu.tell(new QemuProtocol.ImportDmaBuf(stamp(1, run), b0, qemu.replyTo())); // legal repeat: answered again
        assertThat(qemu.reply().receiveMessage()).isEqualTo(imported);

        assertThat(kit.mark(qemu.ref())).isEqualTo(before);
        assertThat(TraceFiles.ofKind(qemu.trace(), "rejected")).hasSize(MESSAGES + read.size());
        assertThat(wire.failed() + wire.nulls() + read.size()).isEqualTo(BYTE_STRINGS);

        QemuModel oracle = new QemuModel(QemuConfig.defaults());
        oracle.importDmaBuf(b0);
        oracle.mapBlob("b0", GPA, 0, Optional.empty());
        TestProbe<QemuProtocol.MigrationInfo> info = kit.createTestProbe(QemuProtocol.MigrationInfo.class);
        qemu.tell(new QemuProtocol.GetMigrationInfo(stamp(3, run), MigrationPolicy.RAM_COPY, info.ref()));
        QemuProtocol.MigrationInfo answer = info.receiveMessage();
        assertThat(answer.blockers()).isEqualTo(oracle.blockers(MigrationPolicy.RAM_COPY));
        assertThat(answer.blobsToCopy()).isEqualTo(oracle.blobsReadByMigration(MigrationPolicy.RAM_COPY));
        assertThat(install.blob()).isEqualTo(oracle.blobs().get(0));
        hostileReplies.expectNoMessage(QUIET);
        hostileInfo.expectNoMessage(QUIET);
        sink.expectNoMessage(QUIET);
        kvm.expectNoMessage(QUIET);
        qemu.monitor().expectNoMessage(QUIET);
    }

    private static Stamp stamp(int step, String run) {
        return new Stamp(step, step, "conductor", run);
    }
}
