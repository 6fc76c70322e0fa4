package org.memtypelab.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.Blobs.B0;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Outcome;
import org.memtypelab.core.kvm.KvmModel;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.protocol.node.HvaChoice;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MemTypeChoice;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.Hostile;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.NodeUnderTest;
import org.memtypelab.runtime.testkit.Runs;
import org.memtypelab.runtime.testkit.TraceFiles;
import org.memtypelab.runtime.testkit.WireFuzz;

/** kvm-node under hostile input: it drops and traces every invalid message, stays up, and its VM is untouched. */
class KvmNodeFuzzTest {

    private static final long INCARNATION = 3;
    private static final int MESSAGES = 2_000;
    private static final int BYTE_STRINGS = 1_000;

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    @Test
    void hostileMessagesAndBytesAreDroppedAndTracedAndLeaveTheVmAsItWas() {
        NodeUnderTest<KvmProtocol.Command> kvm = kit.spawnNode(KvmNode.NODE, INCARNATION, KvmNode::create);
        String run = "fuzz-1";
        kvm.step(new NodeCommand.Setup(Runs.setup(run, kvm.traceDir(), new Peers(null, null, null)), kvm.replyTo()));
        List<KvmProtocol.Command> valid = List.of(
                new KvmProtocol.InstallBlob(stamp(1, run), B0, kvm.replyTo()),
                new KvmProtocol.GuestMap(stamp(2, run), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()),
                new KvmProtocol.GuestAccess(stamp(3, run), "b0", true, 64, 0xab, kvm.replyTo()));
        List<StepDone> answers = new ArrayList<>();
        valid.forEach(c -> answers.add(kvm.step(c)));
        List<Event> events = kvm.events(2);
        NodeMark before = kit.mark(kvm.ref());

        TestProbe<StepDone> hostileReplies = kit.createTestProbe(StepDone.class);
        TestProbe<MonitorProtocol.Command> sink = kit.createTestProbe(MonitorProtocol.Command.class);
        Hostile hostile = new Hostile(20261202L, run, INCARNATION, sink.ref());
        for (int i = 0; i < MESSAGES; i++) {
            KvmProtocol.Command m = hostile.kvm(hostileReplies.ref());
            kvm.tell(m);
        }
        WireFuzz wire = new WireFuzz(kit.system(), 7L);
        List<Object> read = wire.read(samples(kvm.replyTo(), run), BYTE_STRINGS);
        @SuppressWarnings("unchecked")
        ActorRef<Object> raw = (ActorRef<Object>) (ActorRef<?>) kvm.ref();
        read.forEach(raw::tell);
        // legal hostility: repeats of handled commands are answered again, the VM judges what it may refuse
        valid.forEach(kvm::tell);
        assertThat(kvm.reply().receiveSeveralMessages(valid.size())).containsExactlyElementsOf(answers);
        StepDone unknown = kvm.step(new KvmProtocol.GuestAccess(stamp(4, run), "zz", false, 0, 0, kvm.replyTo()));
        StepDone unaligned = kvm.step(new KvmProtocol.SetMemoryRegion(
                stamp(5, run), 1, 0, 0x1001, 0x1001, new HvaChoice.Keep(), kvm.replyTo()));

        assertThat(unknown.ok()).isFalse();
        assertThat(unaligned.ok()).as(unaligned.detail()).isFalse();
        assertThat(kit.mark(kvm.ref())).as("no event was emitted").isEqualTo(before);
        long rejected = TraceFiles.ofKind(kvm.trace(), "rejected").size();
        assertThat(rejected).isEqualTo(MESSAGES + read.size());
        assertThat(wire.failed() + wire.nulls() + read.size()).isEqualTo(BYTE_STRINGS);

        // alive, and its VM is the one the valid steps made: a read answers as a fresh model's would
        KvmModel oracle = new KvmModel(KvmPlatform.defaults());
        oracle.installBlob(B0);
        oracle.guestMap("b0", Optional.empty());
        oracle.guestAccess("b0", true, 64, 0xab);
        Outcome expected = oracle.guestAccess("b0", false, 64, 0).outcome();
        StepDone read64 = kvm.step(new KvmProtocol.GuestAccess(stamp(6, run), "b0", false, 64, 0, kvm.replyTo()));
        assertThat(read64.ok()).isEqualTo(expected.ok());
        assertThat(read64.detail()).isEqualTo(expected.detail());
        assertThat(kvm.events(expected.observations().size()))
                .extracting(Event::observation)
                .containsExactlyElementsOf(expected.observations());
        assertThat(events).hasSize(2);
        hostileReplies.expectNoMessage(QUIET);
        sink.expectNoMessage(QUIET);
        kvm.monitor().expectNoMessage(QUIET);
    }

    private static Stamp stamp(int step, String run) {
        return new Stamp(step, step, "conductor", run);
    }

    /** One valid message of every kind kvm-node accepts, as templates for the wire. */
    private static List<Object> samples(ActorRef<StepDone> replyTo, String run) {
        Stamp s = stamp(1, run);
        return List.of(
                new KvmProtocol.InstallBlob(s, B0, replyTo),
                new KvmProtocol.RemoveBlob(s, B0, replyTo),
                new KvmProtocol.StartDirtyLog(s, B0, replyTo),
                new KvmProtocol.SetMemoryRegion(s, 1, 0, 0, 4096, new HvaChoice.At(0x7f00_0000_0000L), replyTo),
                new KvmProtocol.GuestMap(s, "b0", new MemTypeChoice.ByRule(), replyTo),
                new KvmProtocol.GuestCr0Cd(s, true, replyTo),
                new KvmProtocol.GuestAccess(s, "b0", true, 64, 1, replyTo),
                new KvmProtocol.NoncoherentDma(s, true, replyTo),
                new NodeCommand.GetMark(kit.createTestProbe(NodeMark.class).ref()));
    }
}
