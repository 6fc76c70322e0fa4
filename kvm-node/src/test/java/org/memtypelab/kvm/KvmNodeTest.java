package org.memtypelab.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.runtime.testkit.Blobs.B0;
import static org.memtypelab.runtime.testkit.Blobs.MIB2;
import static org.memtypelab.runtime.testkit.NodeTestKit.QUIET;
import static org.memtypelab.runtime.testkit.TraceFiles.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.gpu.Backing;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.KvmModel;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memslot.Errno;
import org.memtypelab.core.migration.MigrationPolicy;
import org.memtypelab.core.qemu.BlobSlot;
import org.memtypelab.core.qemu.QemuConfig;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.HvaChoice;
import org.memtypelab.protocol.node.IoctlAnswer;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MemTypeChoice;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.runtime.testkit.Blobs;
import org.memtypelab.runtime.testkit.NodeTestKit;
import org.memtypelab.runtime.testkit.NodeUnderTest;
import org.memtypelab.runtime.testkit.Runs;
import org.memtypelab.runtime.testkit.TraceFiles;

/** kvm-node as an actor: it answers every step, numbers its events for the monitor, traces before it replies. */
class KvmNodeTest {

    private static final long INCARNATION = 7;

    @RegisterExtension
    static final NodeTestKit kit = new NodeTestKit();

    private NodeUnderTest<KvmProtocol.Command> kvm;

    @BeforeEach
    void spawnNode() {
        kvm = kit.spawnNode(KvmNode.NODE, INCARNATION, KvmNode::create);
    }

    @Test
    void setupAnswersWithAFreshVmAndStartsTheTrace() {
        StepDone done = setUp("run-1");

        assertThat(done.ok()).isTrue();
        assertThat(done.node()).isEqualTo(KvmNode.NODE);
        assertThat(done.step()).isZero();
        assertThat(done.detail()).isEqualTo("fresh VM");
        List<JsonNode> trace = kvm.trace();
        assertThat(trace).hasSize(1);
        assertThat(trace.get(0).get("kind").asText()).isEqualTo("setup");
        assertThat(trace.get(0).get("run").asText()).isEqualTo("run-1");
        assertThat(trace.get(0).get("seed").asLong()).isEqualTo(42);
        assertThat(trace.get(0).get("incarnation").asLong()).isEqualTo(INCARNATION);
        kvm.monitor().expectNoMessage(QUIET);
    }

    @Test
    void guestMapAndAccessEmitTheModelsObservationsWithContiguousSeqsAndRisingLamports() {
        KvmModel oracle = new KvmModel(KvmPlatform.defaults());
        oracle.installBlob(B0);
        List<Observation> expected = new ArrayList<>();
        expected.addAll(oracle.guestMap("b0", Optional.empty()).observations());
        expected.addAll(oracle.guestAccess("b0", true, 64, 0xab).outcome().observations());
        setUp("run-1");

        StepDone installed = kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 3), B0, kvm.replyTo()));
        kvm.monitor().expectNoMessage(QUIET); // a plain slot changes no mapping
        StepDone mapped =
                kvm.step(new KvmProtocol.GuestMap(new Stamp(2, 5), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));
        StepDone wrote = kvm.step(new KvmProtocol.GuestAccess(new Stamp(3, 9), "b0", true, 64, 0xab, kvm.replyTo()));
        List<Event> events = kvm.events(2);

        assertThat(installed.ok()).as(installed.detail()).isTrue();
        assertThat(installed.ioctl()).isEqualTo(new IoctlAnswer.Zero());
        assertThat(mapped.ok()).as(mapped.detail()).isTrue();
        assertThat(wrote.ok()).as(wrote.detail()).isTrue();
        assertThat(wrote.ioctl()).as("only memslot steps carry an ioctl answer").isEqualTo(new IoctlAnswer.NoIoctl());
        assertThat(events).extracting(Event::observation).containsExactlyElementsOf(expected);
        assertThat(events).extracting(Event::node).containsOnly(KvmNode.NODE);
        assertThat(events).extracting(Event::incarnation).containsOnly(INCARNATION);
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L);
        assertThat(events).extracting(Event::step).containsExactly(2, 3);
        assertThat(List.of(
                        installed.lamport(),
                        events.get(0).lamport(),
                        events.get(1).lamport()))
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(mapped.lamport())
                .as("the reply carries the clock after emitting")
                .isEqualTo(events.get(0).lamport());
        assertThat(wrote.lamport()).isEqualTo(events.get(1).lamport());
        kvm.monitor().expectNoMessage(QUIET);
    }

    @Test
    void lamportClockMovesPastTheSendersClock() {
        setUp("run-1");

        StepDone installed = kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 100), B0, kvm.replyTo()));
        StepDone mapped =
                kvm.step(new KvmProtocol.GuestMap(new Stamp(2, 1), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));

        assertThat(installed.lamport()).isEqualTo(101);
        assertThat(kvm.events(1).get(0).lamport()).isGreaterThan(101);
        assertThat(mapped.lamport())
                .as("an older sender clock never moves ours back")
                .isGreaterThan(101);
    }

    @Test
    void overlappingSetMemoryRegionAnswersEexistAndEmitsNothing() {
        setUp("run-1");

        StepDone first = kvm.step(new KvmProtocol.SetMemoryRegion(
                new Stamp(1, 1), 1, 0, 0x1_0000_0000L, MIB2, new HvaChoice.Keep(), kvm.replyTo()));
        StepDone overlapping = kvm.step(new KvmProtocol.SetMemoryRegion(
                new Stamp(2, 2), 2, 0, 0x1_0010_0000L, MIB2, new HvaChoice.Keep(), kvm.replyTo()));

        assertThat(first.ok()).as(first.detail()).isTrue();
        assertThat(first.ioctl()).isEqualTo(new IoctlAnswer.Zero());
        assertThat(overlapping.ok()).isFalse();
        assertThat(overlapping.ioctl()).isEqualTo(new IoctlAnswer.Failed(Errno.EEXIST));
        assertThat(overlapping.ioctl().label()).isEqualTo("EEXIST");
        assertThat(overlapping.detail()).startsWith("EEXIST").contains("rule 24", "overlaps slot 1");
        assertThat(overlapping.step()).isEqualTo(2);
        kvm.monitor().expectNoMessage(QUIET);
    }

    @Test
    void everyReceivedDecidedAndEmittedRecordIsOnDiskBeforeTheReply() {
        setUp("run-1");

        kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, kvm.replyTo()));
        assertThat(kinds(kvm.trace())).containsExactly("setup", "recv", "decide");

        kvm.step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));
        assertThat(kinds(kvm.trace())).containsExactly("setup", "recv", "decide", "recv", "decide", "event");

        StepDone last = kvm.step(new KvmProtocol.GuestAccess(new Stamp(3, 3), "b0", false, 0, 0, kvm.replyTo()));
        List<JsonNode> trace = kvm.trace();
        assertThat(kinds(trace))
                .containsExactly("setup", "recv", "decide", "recv", "decide", "event", "recv", "decide", "event");

        List<Event> events = kvm.events(2);
        assertThat(trace).extracting(l -> l.get("line").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(trace).extracting(l -> l.get("node").asText()).containsOnly(KvmNode.NODE);
        assertThat(trace.get(1).get("what").asText()).isEqualTo("install-blob b0");
        assertThat(trace.get(3).get("what").asText()).isEqualTo("guest-map b0");
        assertThat(trace.get(6).get("what").asText()).isEqualTo("guest-read");
        assertThat(trace.get(7).get("detail").asText()).isEqualTo(last.detail());
        JsonNode[] eventLines = {trace.get(5), trace.get(8)};
        for (int i = 0; i < 2; i++) {
            assertThat(eventLines[i].get("seq").asLong())
                    .isEqualTo(events.get(i).seq());
            assertThat(eventLines[i].get("lamport").asLong())
                    .isEqualTo(events.get(i).lamport());
            assertThat(eventLines[i].get("step").asInt())
                    .isEqualTo(events.get(i).step());
        }
    }

    @Test
    void resendToSendsExactlyTheAskedSeqsToTheGivenMonitor() {
        setUp("run-1");
        kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, kvm.replyTo()));
        kvm.step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));
        kvm.step(new KvmProtocol.GuestAccess(new Stamp(3, 3), "b0", true, 0, 1, kvm.replyTo()));
        kvm.step(new KvmProtocol.GuestAccess(new Stamp(4, 4), "b0", false, 0, 0, kvm.replyTo()));
        List<Event> sent = kvm.events(3);

        kvm.assertResends(kit.mark(kvm.ref()), INCARNATION, 3, List.of(1L, 3L), List.of(sent.get(0), sent.get(2)));
    }

    @Test
    void resendToForAnotherIncarnationIsIgnored() {
        installAndMapB0();

        kvm.assertResends(kvm.ref(), INCARNATION - 1, List.of(1L), List.of());
    }

    @Test
    void stepsBeforeSetupAreRefused() {
        StepDone done =
                kvm.step(new KvmProtocol.GuestMap(new Stamp(1, 1), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));
        StepDone ioctl = kvm.step(new KvmProtocol.InstallBlob(new Stamp(2, 2), B0, kvm.replyTo()));

        assertThat(done.ok()).isFalse();
        assertThat(done.detail()).isEqualTo("kvm-node has no run set up");
        assertThat(ioctl.ok()).isFalse();
        assertThat(ioctl.detail()).isEqualTo("kvm-node has no run set up");
        kvm.monitor().expectNoMessage(QUIET);
    }

    @Test
    void aNewSetupStartsAFreshVmAndEventStream() {
        installAndMapB0();

        StepDone again = setUp("run-2");
        StepDone reinstalled = kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, kvm.replyTo()));
        kvm.step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));

        assertThat(again.lamport()).isZero();
        assertThat(reinstalled.detail()).as("the old VM's slot 10 is gone").startsWith("CREATE");
        assertThat(kvm.events(1).get(0).seq()).isEqualTo(1);
        assertThat(kvm.trace())
                .filteredOn(l -> l.get("kind").asText().equals("setup"))
                .extracting(l -> l.get("run").asText())
                .as("a new run appends to the same trace file")
                .containsExactly("run-1", "run-2");
    }

    @Test
    void anIdleNodeRefusesEveryStepWithTheSameFailureAndSetupMakesItReady() {
        ActorRef<StepDone> to = kvm.replyTo();
        List<KvmProtocol.Command> steps = List.of(
                new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, to),
                new KvmProtocol.RemoveBlob(new Stamp(2, 1), B0, to),
                new KvmProtocol.SetMemoryRegion(new Stamp(3, 1), 1, 0, 0, MIB2, new HvaChoice.Keep(), to),
                new KvmProtocol.GuestMap(new Stamp(4, 1), "b0", new MemTypeChoice.ByRule(), to),
                new KvmProtocol.GuestAccess(new Stamp(5, 1), "b0", true, 0, 1, to),
                new KvmProtocol.NoncoherentDma(new Stamp(6, 1), true, to),
                new KvmProtocol.StartDirtyLog(new Stamp(7, 1), B0, to));

        List<StepDone> refused = steps.stream().map(kvm::step).toList();
        StepDone ready = setUp("run-1");
        StepDone installed = kvm.step(steps.get(0));

        assertThat(refused).allSatisfy(d -> {
            assertThat(d.ok()).isFalse();
            assertThat(d.detail()).isEqualTo("kvm-node has no run set up");
        });
        assertThat(refused).extracting(StepDone::step).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(ready.detail()).isEqualTo("fresh VM");
        assertThat(installed.detail()).startsWith("CREATE");
        kvm.monitor().expectNoMessage(QUIET);
    }

    @Test
    void aTraceFailureRestartsTheNodeWithItsJournalAndItsVm() {
        StepDone installed = installAndMapB0();

        // the new run's trace cannot be opened: the actor fails and restarts; the Setup is not answered
        kvm.tell(new NodeCommand.Setup(setup("run-2", TraceFiles.unwritableDir(kvm.traceDir())), kvm.replyTo()));
        StepDone again = kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, kvm.replyTo()));
        StepDone read = kvm.step(new KvmProtocol.GuestAccess(new Stamp(3, 3), "b0", false, 0, 0, kvm.replyTo()));

        assertThat(again)
                .as("a repeat after the restart is answered again from the journal, not acted on twice")
                .isEqualTo(installed);
        assertThat(read.ok()).as("the run's VM survived: " + read.detail()).isTrue();
        assertThat(kvm.events(1).get(0).seq()).as("the event numbering goes on").isEqualTo(2);
        List<JsonNode> trace = kvm.trace();
        assertThat(trace)
                .extracting(l -> l.get("line").asLong())
                .as("one trace, appended after the restart")
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(kinds(trace).subList(6, 11)).containsExactly("recv", "duplicate", "recv", "decide", "event");
    }

    @Test
    void stoppingTheNodeClosesItsTraceFile() throws IOException {
        setUp("run-1");
        kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, kvm.replyTo()));
        assertThat(openFilesIn(kvm.traceDir()))
                .as("the run's trace is open while it runs")
                .hasSize(1);

        kit.stop(kvm.ref());

        assertThat(openFilesIn(kvm.traceDir())).isEmpty();
    }

    /** The files under {@code dir} this JVM holds open (Linux: /proc/self/fd). */
    private static List<Path> openFilesIn(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd");
        Path real = dir.toRealPath();
        List<Path> open = new ArrayList<>();
        try (var links = Files.list(fds)) {
            for (Path fd : links.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(real)) {
                        open.add(target);
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return open;
    }

    /** Sets up run-1, installs b0 and maps it into the guest (event 1, consumed here); returns the install's answer. */
    private StepDone installAndMapB0() {
        setUp("run-1");
        StepDone installed = kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 1), B0, kvm.replyTo()));
        kvm.step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));
        kvm.events(1);
        return installed;
    }

    @Test
    void rule28a_aGuestAccessKvmCannotMapAnswersEfaultAndReportsAGuestFault() {
        // DOMAIN rule 28a: on 6.10 the refcount-0 tail pages of a 2 MiB amdgpu/TTM buffer make KVM_RUN fail (EFAULT)
        RunSetup onSixTen = new RunSetup(
                "run-28a",
                Runs.SEED,
                new KvmPlatform(CpuVendor.INTEL, KvmVersion.of("6.10"), true, true, true),
                QemuConfig.defaults(),
                MigrationPolicy.STATUS_QUO,
                kvm.traceDir().toString(),
                setup("run-28a", kvm.traceDir().toString()).peers());
        kvm.step(new NodeCommand.Setup(onSixTen, kvm.replyTo()));
        BlobSlot ttm = Blobs.b0(Backing.PFNMAP_RAM);
        kvm.step(new KvmProtocol.InstallBlob(new Stamp(1, 1), ttm, kvm.replyTo()));
        StepDone mapped =
                kvm.step(new KvmProtocol.GuestMap(new Stamp(2, 2), "b0", new MemTypeChoice.ByRule(), kvm.replyTo()));
        StepDone wrote = kvm.step(new KvmProtocol.GuestAccess(new Stamp(3, 3), "b0", true, 0, 1, kvm.replyTo()));

        assertThat(mapped.ok()).as(mapped.detail()).isTrue();
        assertThat(wrote.ok()).isFalse();
        assertThat(wrote.ioctl()).isEqualTo(new IoctlAnswer.Failed(Errno.EFAULT));
        List<Event> events = kvm.events(1);
        assertThat(events.get(0).observation()).isInstanceOf(Observation.Reported.class);
        Hazard h = ((Observation.Reported) events.get(0).observation()).hazard();
        assertThat(h.kind()).isEqualTo(Hazard.Kind.GUEST_FAULT);
        assertThat(h.between()).containsExactly(Who.GUEST, Who.QEMU);
        assertThat(h.witness()).contains("EFAULT", "6.13");
    }

    @Test
    void guestCr0CdIsAStepTheNodeAnswers() {
        setUp("run-1");
        StepDone set = kvm.step(new KvmProtocol.GuestCr0Cd(new Stamp(1, 1), true, kvm.replyTo()));
        StepDone again = kvm.step(new KvmProtocol.GuestCr0Cd(new Stamp(2, 2), true, kvm.replyTo()));

        assertThat(set.ok()).isTrue();
        assertThat(set.detail()).contains("CR0.CD=1", "rule 13");
        assertThat(again.detail()).contains("already");
    }

    private RunSetup setup(String runId, String traceDir) {
        Peers peers = new Peers(
                kvm.ref(),
                kit.createTestProbe(QemuProtocol.Command.class).ref(),
                kit.createTestProbe(GpuProtocol.Command.class).ref());
        return Runs.setup(runId, traceDir, peers);
    }

    private StepDone setUp(String runId) {
        return kvm.step(new NodeCommand.Setup(setup(runId, kvm.traceDir().toString()), kvm.replyTo()));
    }
}
