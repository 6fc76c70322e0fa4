package org.memtypelab.lab.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.memslot.MemslotFlag;
import org.memtypelab.core.migration.MigrationOutcome;
import org.memtypelab.protocol.node.GpuProtocol;
import org.memtypelab.protocol.node.KvmProtocol;
import org.memtypelab.protocol.node.MigrationProtocol;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeCommand;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Peers;
import org.memtypelab.protocol.node.QemuProtocol;
import org.memtypelab.protocol.node.RunSetup;
import org.memtypelab.protocol.node.Stamp;
import org.memtypelab.protocol.node.StepDone;
import org.memtypelab.protocol.scenario.Scenario;
import org.memtypelab.protocol.scenario.Step;
import org.memtypelab.protocol.trace.NodeJournal;

/**
 * The conductor: finds the nodes, sets up a run, drives the scenario's steps one by one through request/response
 * messages with timeouts, and asks the monitor for its verdict. It runs on the conductor's ActorSystem.
 */
public final class Conductor {

    static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);
    static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);

    /** A run that cannot go on: the reason ends up in result.json and gives exit 3. */
    static final class Incomplete extends Exception {
        Incomplete(String message) {
            super(message);
        }
    }

    private final ActorSystem<?> system;
    private final ActorRef<MonitorProtocol.Command> monitor;
    private ActorRef<KvmProtocol.Command> kvm;
    private ActorRef<QemuProtocol.Command> qemu;
    private ActorRef<GpuProtocol.Command> gpu;
    private ActorRef<MigrationProtocol.Command> migration;
    private NodeJournal journal;

    public Conductor(ActorSystem<?> system) {
        this.system = system;
        this.monitor = NodeGuardians.monitor(system);
    }

    /** Runs {@code scenario} with {@code seed}, writing the conductor's trace into {@code dir}. */
    public RunOutcome run(Scenario scenario, long seed, Path dir, String runId) {
        long start = System.nanoTime();
        List<StepRecord> steps = new ArrayList<>();
        MigrationOutcome migrated = new MigrationOutcome(MigrationOutcome.Status.NOT_ATTEMPTED, "");
        journal = new NodeJournal("conductor", 1, monitor);
        try {
            discover();
            RunSetup setup = new RunSetup(
                    runId,
                    seed,
                    scenario.platform().kvmPlatform(),
                    scenario.qemu(),
                    scenario.migration().policy(),
                    dir.toAbsolutePath().toString(),
                    new Peers(kvm, qemu, gpu));
            journal.start(setup);
            Coherence coherence =
                    new Coherence(scenario.platform().cpu(), scenario.platform().selfSnoop());
            this.<StepDone>askUntil(monitor, r -> new MonitorProtocol.Reset(runId, coherence, r), "monitor reset");
            List<ActorRef<NodeCommand.Setup>> setupTargets =
                    List.of(kvm.narrow(), qemu.narrow(), gpu.narrow(), migration.narrow());
            for (ActorRef<NodeCommand.Setup> node : setupTargets) {
                StepDone ready = ask(node, r -> new NodeCommand.Setup(setup, r), 0, "setup");
                journal.received(new Stamp(0, ready.lamport()), ready.node() + " ready: " + ready.detail());
            }
            int n = 0;
            for (Step step : scenario.steps()) {
                n++;
                StepDone done = drive(step, n);
                journal.received(new Stamp(n, done.lamport()), step.kind().label() + " done");
                steps.add(new StepRecord(n, step.kind().label(), done.ok(), done.node(), done.detail(), done.errno()));
                if (done.migration().status() != MigrationOutcome.Status.NOT_ATTEMPTED) {
                    migrated = done.migration();
                }
            }
            List<NodeMark> marks = new ArrayList<>();
            List<ActorRef<NodeCommand.GetMark>> markTargets =
                    List.of(kvm.narrow(), qemu.narrow(), gpu.narrow(), migration.narrow());
            for (ActorRef<NodeCommand.GetMark> node : markTargets) {
                marks.add(ask(node, NodeCommand.GetMark::new, n, "mark"));
            }
            MonitorProtocol.MonitorReport report =
                    ask(monitor, r -> new MonitorProtocol.Report(runId, marks, r), REPORT_TIMEOUT, n, "monitor report");
            String incomplete = report.unobserved().isEmpty()
                    ? ""
                    : "the monitor could not observe every event: " + report.unobserved();
            return new RunOutcome(steps, migrated, report, incomplete, millisSince(start));
        } catch (Incomplete e) {
            return new RunOutcome(steps, migrated, null, e.getMessage(), millisSince(start));
        } finally {
            journal.close();
        }
    }

    private StepDone drive(Step step, int n) throws Incomplete {
        Stamp s = journal.sending(n, step.kind().label());
        if (step instanceof Step.Allocate a) {
            return ask(gpu, r -> new GpuProtocol.Allocate(s, a.buffer(), a.size(), a.profile(), r), n, "allocate");
        } else if (step instanceof Step.Export e) {
            return ask(gpu, r -> new GpuProtocol.Export(s, e.buffer(), r), n, "export");
        } else if (step instanceof Step.MapBlob m) {
            int flags = m.flags().stream()
                    .mapToInt(f -> MemslotFlag.parse(f).orElseThrow().bit())
                    .reduce(0, (x, y) -> x | y);
            return ask(
                    qemu, r -> new QemuProtocol.MapBlob(s, m.buffer(), m.gpa(), flags, m.memtype(), r), n, "map-blob");
        } else if (step instanceof Step.UnmapBlob u) {
            return ask(qemu, r -> new QemuProtocol.UnmapBlob(s, u.buffer(), r), n, "unmap-blob");
        } else if (step instanceof Step.GuestMap g) {
            return ask(kvm, r -> new KvmProtocol.GuestMap(s, g.buffer(), g.pat(), r), n, "guest-map");
        } else if (step instanceof Step.GuestWrite w) {
            return ask(
                    kvm,
                    r -> new KvmProtocol.GuestAccess(s, w.buffer(), true, w.offset(), w.value(), r),
                    n,
                    "guest-write");
        } else if (step instanceof Step.GuestRead g) {
            return ask(kvm, r -> new KvmProtocol.GuestAccess(s, g.buffer(), false, g.offset(), 0, r), n, "guest-read");
        } else if (step instanceof Step.GpuWrite w) {
            return ask(
                    gpu, r -> new GpuProtocol.GpuAccess(s, w.buffer(), true, w.offset(), w.value(), r), n, "gpu-write");
        } else if (step instanceof Step.GpuRead g) {
            return ask(gpu, r -> new GpuProtocol.GpuAccess(s, g.buffer(), false, g.offset(), 0, r), n, "gpu-read");
        } else if (step instanceof Step.RendererWrite w) {
            return ask(
                    gpu,
                    r -> new GpuProtocol.RendererAccess(s, w.buffer(), true, w.offset(), w.value(), r),
                    n,
                    "renderer-write");
        } else if (step instanceof Step.RendererRead g) {
            return ask(
                    gpu,
                    r -> new GpuProtocol.RendererAccess(s, g.buffer(), false, g.offset(), 0, r),
                    n,
                    "renderer-read");
        } else if (step instanceof Step.SetMemoryRegion m) {
            return ask(
                    kvm,
                    r -> new KvmProtocol.SetMemoryRegion(s, (int) m.slot(), m.flags(), m.gpa(), m.size(), m.hva(), r),
                    n,
                    "set-memory-region");
        } else if (step instanceof Step.WalkMemslots w) {
            return ask(qemu, r -> new QemuProtocol.WalkMemslots(s, w.by(), r), n, "walk-memslots");
        } else if (step instanceof Step.Migrate) {
            return ask(migration, r -> new MigrationProtocol.Migrate(s, r), n, "migrate");
        } else if (step instanceof Step.NoncoherentDma d) {
            return ask(kvm, r -> new KvmProtocol.NoncoherentDma(s, d.attached(), r), n, "noncoherent-dma");
        }
        throw new IllegalStateException("no node handles step kind " + step.kind());
    }

    /** Waits for every node to be registered with the Receptionist (it is eventually consistent). */
    private void discover() throws Incomplete {
        kvm = find(KvmProtocol.KVM_KEY);
        qemu = find(QemuProtocol.QEMU_KEY);
        gpu = find(GpuProtocol.GPU_KEY);
        migration = find(MigrationProtocol.MIGRATION_KEY);
    }

    private <T> ActorRef<T> find(ServiceKey<T> key) throws Incomplete {
        long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Receptionist.Listing listing = await(
                    AskPattern.ask(
                            system.receptionist(),
                            r -> Receptionist.find(key, r),
                            Duration.ofSeconds(3),
                            system.scheduler()),
                    Duration.ofSeconds(4),
                    "find " + key.id());
            Optional<ActorRef<T>> ref =
                    listing.getServiceInstances(key).stream().findFirst();
            if (ref.isPresent()) {
                return ref.get();
            }
            pause();
        }
        throw new Incomplete(key.id() + " never registered with the Receptionist within " + DISCOVERY_TIMEOUT);
    }

    /** Asks the monitor singleton until it answers: it may still be starting on the oldest monitor node. */
    private <R> R askUntil(
            ActorRef<MonitorProtocol.Command> to, Function<ActorRef<R>, MonitorProtocol.Command> msg, String what)
            throws Incomplete {
        long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
        Incomplete last = null;
        while (System.nanoTime() < deadline) {
            try {
                return ask(to, msg, Duration.ofSeconds(2), 0, what);
            } catch (Incomplete e) {
                last = e;
            }
        }
        throw last != null ? last : new Incomplete(what + " timed out");
    }

    private <T, R> R ask(ActorRef<T> to, Function<ActorRef<R>, T> msg, int step, String what) throws Incomplete {
        return ask(to, msg, STEP_TIMEOUT, step, what);
    }

    private <T, R> R ask(ActorRef<T> to, Function<ActorRef<R>, T> msg, Duration timeout, int step, String what)
            throws Incomplete {
        CompletionStage<R> reply = AskPattern.ask(to, msg::apply, timeout, system.scheduler());
        return await(reply, timeout.plusSeconds(1), (step > 0 ? "step " + step + " (" + what + ")" : what));
    }

    private static <R> R await(CompletionStage<R> stage, Duration timeout, String what) throws Incomplete {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new Incomplete(what + " got no answer: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new Incomplete(what + " got no answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Incomplete(what + " was interrupted");
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100); // polling the eventually consistent Receptionist, not synchronising
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
