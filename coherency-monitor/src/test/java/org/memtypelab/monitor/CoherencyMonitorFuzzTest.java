package org.memtypelab.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.MonitorProtocol.MonitorReport;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.Hostile;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.WireFuzz;

/** The monitor under hostile input: it drops every invalid message and its verdict stays what the real events make. */
class CoherencyMonitorFuzzTest {

    private static final Coherence PLATFORM = new Coherence(CpuVendor.INTEL, true);
    private static final String KVM = "kvm-node";
    private static final String GPU = "gpu-process-node";
    private static final long INCARNATION = 1;
    private static final int MESSAGES = 2_000;
    private static final int BYTE_STRINGS = 1_000;

    /** A guest WB mapping (kvm-node) and a non-snooping GPU (gpu-process-node) of b0, and a guest write: a hazard. */
    private static final List<Event> RUN = List.of(
            new Event(KVM, INCARNATION, 1, 1, 2, set(Who.GUEST, new MappingType.Cpu(MemType.WB))),
            new Event(GPU, INCARNATION, 1, 2, 4, set(Who.GPU, new MappingType.Dma(false))),
            new Event(
                    KVM,
                    INCARNATION,
                    2,
                    3,
                    6,
                    new Observation.Access("b0", Who.GUEST, new MappingType.Cpu(MemType.WB), true, 0, 0xab)));

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    @Test
    void hostileMessagesAndBytesAreDroppedAndTheVerdictStaysTheRealEventsOne() {
        String run = "fuzz-1";
        ActorRef<MonitorProtocol.Command> monitor = kit.spawn(CoherencyMonitor.create());
        TestProbe<StepDone> reply = kit.createTestProbe(StepDone.class);
        TestProbe<MonitorReport> reports = kit.createTestProbe(MonitorReport.class);
        TestProbe<NodeCommand.ResendTo> nodes = kit.createTestProbe(NodeCommand.ResendTo.class);
        monitor.tell(new MonitorProtocol.Reset(run, PLATFORM, reply.ref()));
        assertThat(reply.receiveMessage().ok()).isTrue();
        RUN.forEach(e -> monitor.tell(new Observed(e, run)));
        MonitorProtocol.Report ask = new MonitorProtocol.Report(
                run,
                PLATFORM,
                List.of(new NodeMark(KVM, INCARNATION, 2, nodes.ref()), new NodeMark(GPU, INCARNATION, 1, nodes.ref())),
                reports.ref());
        monitor.tell(ask);
        MonitorReport before = reports.receiveMessage();
        assertThat(before.verdict()).isEqualTo(Verdict.HAZARD);

        TestProbe<StepDone> hostileReplies = kit.createTestProbe(StepDone.class);
        TestProbe<MonitorReport> hostileReports = kit.createTestProbe(MonitorReport.class);
        Hostile hostile = new Hostile(20261203L, run, INCARNATION, null);
        for (int i = 0; i < MESSAGES; i++) {
            monitor.tell(hostile.monitor(hostileReplies.ref(), hostileReports.ref()));
        }
        WireFuzz wire = new WireFuzz(kit.system(), 11L);
        List<Object> samples = List.of(
                new Observed(RUN.get(0), run),
                new MonitorProtocol.Reset(run, PLATFORM, hostileReplies.ref()),
                new MonitorProtocol.Report(
                        run, PLATFORM, List.of(new NodeMark(KVM, 1, 2, nodes.ref())), hostileReports.ref()));
        List<Object> read = wire.read(samples, BYTE_STRINGS);
        @SuppressWarnings("unchecked")
        ActorRef<Object> raw = (ActorRef<Object>) (ActorRef<?>) monitor;
        read.forEach(raw::tell);
        RUN.forEach(e -> monitor.tell(new Observed(e, run))); // legal: duplicates change nothing

        monitor.tell(ask);
        assertThat(reports.receiveMessage()).isEqualTo(before);
        assertThat(wire.failed() + wire.nulls() + read.size()).isEqualTo(BYTE_STRINGS);
        hostileReplies.expectNoMessage(QUIET);
        hostileReports.expectNoMessage(QUIET);
        nodes.expectNoMessage(QUIET);
    }

    private static Observation set(Who who, MappingType type) {
        return new Observation.MappingSet(new Mapping("b0", who, type, true));
    }
}
