package org.memtypelab.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Hazard;
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
import org.memtypelab.runtime.delivery.Resync;
import org.memtypelab.runtime.testkit.NodeTestKit;

/** The coherency monitor as an actor: it asks for the events it missed before it gives a verdict. */
class CoherencyMonitorTest {

    static final Coherence PLATFORM = new Coherence(CpuVendor.INTEL, true);

    private static final String GPU = "gpu-process-node";
    private static final String QEMU = "qemu-node";
    private static final MappingType.Dma NO_SNOOP = new MappingType.Dma(false);

    /** A renderer WB mapping (seq 1), a non-snooping GPU (seq 2) and a renderer write (seq 3): rule 10a hazard. */
    private static final List<Event> RUN = List.of(
            new Event(GPU, 1, 1, 1, 2, new Observation.MappingSet(new Mapping("b0", Who.RENDERER, cpu(), true))),
            new Event(GPU, 1, 2, 2, 4, new Observation.MappingSet(new Mapping("b0", Who.GPU, NO_SNOOP, true))),
            new Event(GPU, 1, 3, 3, 6, new Observation.Access("b0", Who.RENDERER, cpu(), true, 0, 0xab)));

    /** A renderer WC mapping and a QEMU WB one of b1: stale only on a CPU without self-snoop (DOMAIN rule 10a). */
    private static final List<Event> ALIAS = List.of(
            new Event(
                    GPU,
                    1,
                    1,
                    1,
                    2,
                    new Observation.MappingSet(new Mapping("b1", Who.RENDERER, cpu(MemType.WC), true))),
            new Event(
                    QEMU, 1, 1, 2, 4, new Observation.MappingSet(new Mapping("b1", Who.QEMU, cpu(MemType.WB), true))));

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    private ActorRef<MonitorProtocol.Command> monitor;
    private TestProbe<StepDone> reply;
    private TestProbe<MonitorReport> reports;
    private TestProbe<NodeCommand.ResendTo> node;

    @BeforeEach
    void spawnMonitor() {
        monitor = kit.spawn(CoherencyMonitor.create());
        reply = kit.createTestProbe(StepDone.class);
        reports = kit.createTestProbe(MonitorReport.class);
        node = kit.createTestProbe(NodeCommand.ResendTo.class);
        reset("run-1");
    }

    @Test
    void resetAnswersForTheRun() {
        monitor.tell(new MonitorProtocol.Reset("run-9", PLATFORM, reply.ref()));
        StepDone done = reply.receiveMessage();

        assertThat(done.ok()).isTrue();
        assertThat(done.node()).isEqualTo(CoherencyMonitor.NODE);
        assertThat(done.detail()).isEqualTo("monitor reset for run-9");
    }

    @Test
    void aCompleteStreamIsAnsweredAtOnceWithItsHazard() {
        RUN.forEach(e -> monitor.tell(new Observed(e)));

        MonitorReport report = report("run-1", 3);

        assertCompleteWithHazard(report);
        node.expectNoMessage(QUIET);
    }

    @Test
    void aGapIsAskedForAndTheReportWaitsUntilTheMissingEventArrives() {
        monitor.tell(new Observed(RUN.get(0)));
        monitor.tell(new Observed(RUN.get(2)));

        monitor.tell(new MonitorProtocol.Report("run-1", PLATFORM, List.of(mark(3)), reports.ref()));
        NodeCommand.ResendTo asked = node.receiveMessage();
        reports.expectNoMessage(QUIET); // while seq 2 is missing the verdict would hide the hazard
        asked.monitor().tell(new Observed(RUN.get(1)));
        MonitorReport report = reports.receiveMessage();

        assertThat(asked.incarnation()).isEqualTo(1);
        assertThat(asked.seqs()).containsExactly(2L);
        assertThat(asked.monitor()).isEqualTo(monitor);
        assertCompleteWithHazard(report);
    }

    @Test
    void aGapNobodyFillsIsAskedForAsOftenAsThePolicySaysThenReportedAsUnobserved() {
        Resync.Policy threeTimes = new Resync.Policy(Duration.ofMillis(20), 3);
        monitor = kit.spawn(CoherencyMonitor.create(threeTimes));
        reset("run-1");
        monitor.tell(new Observed(RUN.get(0)));
        monitor.tell(new Observed(RUN.get(2)));

        monitor.tell(new MonitorProtocol.Report("run-1", PLATFORM, List.of(mark(3)), reports.ref()));
        Duration patience = threeTimes.interval().multipliedBy(threeTimes.attempts() + 20L);
        List<NodeCommand.ResendTo> asked = node.receiveSeveralMessages(threeTimes.attempts(), patience);
        MonitorReport report = reports.receiveMessage(patience);

        assertThat(asked).extracting(NodeCommand.ResendTo::seqs).containsOnly(List.of(2L));
        assertThat(report.unobserved()).containsExactly(new CoherencyLedger.Gap(GPU, 1, List.of(2L)));
        assertThat(report.events()).isEqualTo(2);
        assertThat(report.hazards()).as("the hazard needs the missing event").isEmpty();
        node.expectNoMessage(QUIET); // no fourth request: the attempts stopped at the policy's count
    }

    @Test
    void duplicatedAndReorderedEventsChangeNothing() {
        monitor.tell(new Observed(RUN.get(2)));
        monitor.tell(new Observed(RUN.get(1)));
        monitor.tell(new Observed(RUN.get(0)));
        monitor.tell(new Observed(RUN.get(1)));

        assertCompleteWithHazard(report("run-1", 3));
    }

    @Test
    void aLateEventOfAnEarlierRunDoesNotCountInTheNextOne() {
        reset("run-2");
        // run-1's events arrive late (a delay fault, a resend) after run-2's reset: on a reused cluster they must
        // not add a GPU mapping to run-2's buffer (found by a 1,020-run campaign: a false non-snooped-dma hazard)
        RUN.forEach(e -> monitor.tell(new Observed(e, "run-1")));

        MonitorReport report = report("run-2", 0);

        assertThat(report.events()).isZero();
        assertThat(report.hazards()).isEmpty();
        assertThat(report.verdict()).isEqualTo(Verdict.CONSISTENT);
    }

    @Test
    void resetForgetsThePreviousRunsEvents() {
        RUN.forEach(e -> monitor.tell(new Observed(e)));
        assertCompleteWithHazard(report("run-1", 3));

        reset("run-2");
        MonitorReport empty = report("run-2", 0);
        monitor.tell(new MonitorProtocol.Report("run-2", PLATFORM, List.of(mark(1)), reports.ref()));
        NodeCommand.ResendTo asked = node.receiveMessage();
        asked.monitor().tell(new Observed(RUN.get(0)));
        MonitorReport afterResend = reports.receiveMessage();

        assertThat(empty.runId()).isEqualTo("run-2");
        assertThat(empty.events()).isZero();
        assertThat(empty.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(empty.hazards()).isEmpty();
        assertThat(empty.mappings()).isEmpty();
        assertThat(asked.seqs()).as("seq 1 of run-1 no longer counts").containsExactly(1L);
        assertThat(afterResend.events()).isEqualTo(1);
        assertThat(afterResend.hazards()).isEmpty();
    }

    @ParameterizedTest(
            name = "DOMAIN rules 10a, 15a: WC/WB alias held before the run was known, reported on {0} self-snoop {1}")
    @CsvSource({"INTEL, true, BENIGN_ALIAS", "INTEL, false, HAZARD", "AMD, false, UNKNOWN"})
    void eventsThatArriveBeforeAnyResetAreJudgedOnTheReportsPlatform(CpuVendor cpu, boolean selfSnoop, Verdict v) {
        ActorRef<MonitorProtocol.Command> tookOver = kit.spawn(CoherencyMonitor.create()); // never saw run-7's Reset
        ALIAS.forEach(e -> tookOver.tell(new Observed(e, "run-7")));

        List<NodeMark> marks = List.of(mark(1), new NodeMark(QEMU, 1, 1, node.ref()));
        tookOver.tell(new MonitorProtocol.Report("run-7", new Coherence(cpu, selfSnoop), marks, reports.ref()));
        MonitorReport report = reports.receiveMessage();

        assertThat(report.runId()).isEqualTo("run-7");
        assertThat(report.events()).isEqualTo(2);
        assertThat(report.unobserved()).isEmpty();
        assertThat(report.verdict()).isEqualTo(v);
        assertThat(report.buffers()).containsExactly(Map.entry("b1", v));
        assertThat(report.hazards())
                .extracting(Hazard::kind)
                .isEqualTo(v == Verdict.HAZARD ? List.of(Hazard.Kind.MEMTYPE_ALIAS) : List.of());
        node.expectNoMessage(QUIET);
    }

    @Test
    void aMonitorThatTookOverAsksEveryNodeForWhatItMissedAndJudgesOnTheReportsPlatform() {
        ActorRef<MonitorProtocol.Command> tookOver = kit.spawn(CoherencyMonitor.create());
        TestProbe<NodeCommand.ResendTo> qemu = kit.createTestProbe(NodeCommand.ResendTo.class);
        Coherence intel = new Coherence(CpuVendor.INTEL, false);

        List<NodeMark> marks = List.of(mark(1), new NodeMark(QEMU, 1, 1, qemu.ref()));
        tookOver.tell(new MonitorProtocol.Report("run-7", intel, marks, reports.ref()));
        NodeCommand.ResendTo gpuAsked = node.receiveMessage();
        NodeCommand.ResendTo qemuAsked = qemu.receiveMessage();
        gpuAsked.monitor().tell(new Observed(ALIAS.get(0), "run-7"));
        qemuAsked.monitor().tell(new Observed(ALIAS.get(1), "run-7"));
        MonitorReport report = reports.receiveMessage();

        assertThat(gpuAsked.seqs()).containsExactly(1L);
        assertThat(qemuAsked.seqs()).containsExactly(1L);
        assertThat(gpuAsked.monitor()).isEqualTo(tookOver);
        assertThat(report.runId()).isEqualTo("run-7");
        assertThat(report.unobserved()).isEmpty();
        assertThat(report.verdict())
                .as("Intel without self-snoop: rule 10a stale")
                .isEqualTo(Verdict.HAZARD);
    }

    /** Asks for a report with marks up to {@code lastSeq} (none when 0) and expects no resend request. */
    private MonitorReport report(String runId, long lastSeq) {
        List<NodeMark> marks = lastSeq == 0 ? List.of() : List.of(mark(lastSeq));
        monitor.tell(new MonitorProtocol.Report(runId, PLATFORM, marks, reports.ref()));
        return reports.receiveMessage();
    }

    private NodeMark mark(long lastSeq) {
        return new NodeMark(GPU, 1, lastSeq, node.ref());
    }

    private void reset(String runId) {
        monitor.tell(new MonitorProtocol.Reset(runId, PLATFORM, reply.ref()));
        assertThat(reply.receiveMessage().ok()).isTrue();
    }

    private static void assertCompleteWithHazard(MonitorReport report) {
        assertThat(report.runId()).isEqualTo("run-1");
        assertThat(report.unobserved()).isEmpty();
        assertThat(report.events()).isEqualTo(3);
        assertThat(report.verdict()).isEqualTo(Verdict.HAZARD);
        assertThat(report.buffers()).containsEntry("b0", Verdict.HAZARD);
        assertThat(report.mappings())
                .containsExactlyInAnyOrder(
                        new Mapping("b0", Who.RENDERER, cpu(), true), new Mapping("b0", Who.GPU, NO_SNOOP, true));
        assertThat(report.hazards()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(Hazard.Kind.NON_SNOOPED_DMA);
            assertThat(h.buffer()).isEqualTo("b0");
            assertThat(h.between()).containsExactly(Who.RENDERER, Who.GPU);
            assertThat(h.step()).as("found when the GPU mapping arrived").isEqualTo(2);
        });
    }

    private static MappingType.Cpu cpu() {
        return cpu(MemType.WB);
    }

    private static MappingType.Cpu cpu(MemType type) {
        return new MappingType.Cpu(type);
    }
}
