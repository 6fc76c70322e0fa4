package org.memtypelab.lab.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.serialization.SerializationExtension;
import org.memtypelab.core.coherency.Coherence;
import org.memtypelab.core.coherency.Event;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.lab.run.NodeGuardians;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.protocol.node.MonitorProtocol;
import org.memtypelab.protocol.node.NodeMark;
import org.memtypelab.protocol.node.Observed;

/**
 * Row 4: events per second from a node's ActorSystem to the monitor singleton of a real embedded cluster, against
 * plain strings of the same serialized size between two bare ActorSystems. Both paths send batches of
 * {@link BenchSettings#BATCH} one-way messages and then one request that is answered only after the batch arrived
 * (Artery keeps a pair's order), so neither outruns Artery's outbound queue and drops messages.
 */
final class EventFlow {

    private static final Duration ASK = Duration.ofSeconds(30);
    private static final Coherence PLATFORM = new Coherence(CpuVendor.INTEL, true);
    private static final String NODE = NodeRole.KVM.label();

    private final BenchSettings settings;
    private final Consumer<String> progress;

    EventFlow(BenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    Row measure(EmbeddedLab lab) throws Exception {
        ActorSystem<Void> kvm = lab.cluster.system(NodeRole.KVM);
        var monitor = NodeGuardians.monitor(kvm);
        var sink =
                kvm.systemActorOf(Behaviors.<Object>ignore(), "bench-sink", org.apache.pekko.actor.typed.Props.empty());
        int size = SerializationExtension.get(Adapter.toClassic(kvm))
                .findSerializerFor(observed(1, "bench-size"))
                .toBinary(observed(1, "bench-size"))
                .length;
        progress.accept("row 4: node -> monitor events, " + settings.eventBatches() + " x " + BenchSettings.BATCH);
        monitorBatch(kvm, monitor, sink, 0); // warm-up
        long t0 = System.nanoTime();
        for (int b = 1; b <= settings.eventBatches(); b++) {
            monitorBatch(kvm, monitor, sink, b);
        }
        double viaMonitor = rate(System.nanoTime() - t0);
        progress.accept("row 4: raw Artery one-way between two bare ActorSystems");
        double raw;
        try (BareCluster pair = BareCluster.form(2, Duration.ofSeconds(60))) {
            pair.system(1).actorOf(Props.create(Counter.class), "counter");
            ActorRef counter = pair.system(0)
                    .actorSelection(
                            org.apache.pekko.cluster.Cluster.get(pair.system(1)).selfAddress() + "/user/counter")
                    .resolveOne(ASK)
                    .toCompletableFuture()
                    .get(ASK.toMillis(), TimeUnit.MILLISECONDS);
            String payload = "x".repeat(size);
            rawBatch(counter, payload); // warm-up
            long r0 = System.nanoTime();
            for (int b = 1; b <= settings.eventBatches(); b++) {
                rawBatch(counter, payload);
            }
            raw = rate(System.nanoTime() - r0);
        }
        return new Row(
                "4-node-monitor",
                "node -> monitor events/s, embedded (kvm-node -> singleton)",
                viaMonitor,
                "events/s",
                "raw Artery one-way, " + size + "-byte strings",
                raw,
                "timed",
                "",
                "",
                settings.eventBatches() + " batches of " + BenchSettings.BATCH
                        + " after one warm-up batch; each batch ends with a Report (monitor) or a ping (raw) whose"
                        + " answer follows the batch; an Observed is " + size + " bytes in CBOR");
    }

    private double rate(long nanos) {
        return (double) settings.eventBatches() * BenchSettings.BATCH * 1e9 / nanos;
    }

    private static Observed observed(long seq, String run) {
        return new Observed(new Event(NODE, 1, seq, 1, seq, new Observation.MappingGone("b0", Who.QEMU)), run);
    }

    /** A fresh run at the monitor, BATCH events, then a Report that the monitor answers once all of them arrived. */
    private static void monitorBatch(
            ActorSystem<Void> kvm,
            org.apache.pekko.actor.typed.ActorRef<MonitorProtocol.Command> monitor,
            org.apache.pekko.actor.typed.ActorRef<Object> sink,
            int batch)
            throws Exception {
        String run = "bench-events-" + batch;
        monitor.tell(new MonitorProtocol.Reset(run, PLATFORM, sink.narrow()));
        for (long seq = 1; seq <= BenchSettings.BATCH; seq++) {
            monitor.tell(observed(seq, run));
        }
        MonitorProtocol.MonitorReport report = AskPattern.<MonitorProtocol.Command, MonitorProtocol.MonitorReport>ask(
                        monitor,
                        replyTo -> new MonitorProtocol.Report(
                                run,
                                PLATFORM,
                                List.of(new NodeMark(NODE, 1, BenchSettings.BATCH, sink.narrow())),
                                replyTo),
                        ASK,
                        kvm.scheduler())
                .toCompletableFuture()
                .get(ASK.toMillis(), TimeUnit.MILLISECONDS);
        if (report.events() != BenchSettings.BATCH || !report.unobserved().isEmpty()) {
            throw new IllegalStateException(
                    "the monitor saw " + report.events() + " of " + BenchSettings.BATCH + " events of batch " + batch);
        }
    }

    private static void rawBatch(ActorRef counter, String payload) throws Exception {
        for (int i = 0; i < BenchSettings.BATCH; i++) {
            counter.tell(payload, ActorRef.noSender());
        }
        Object got = Patterns.ask(counter, Counter.PING, ASK)
                .toCompletableFuture()
                .get(ASK.toMillis(), TimeUnit.MILLISECONDS);
        if (!got.equals(Integer.toString(BenchSettings.BATCH))) {
            throw new IllegalStateException("the raw receiver counted " + got + " of " + BenchSettings.BATCH);
        }
    }

    /** Counts strings; answers a ping with the count since the last one. */
    public static final class Counter extends AbstractActor {
        static final String PING = "ping";
        private int count;

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(String.class, s -> {
                        if (s.equals(PING)) {
                            getSender().tell(Integer.toString(count), getSelf());
                            count = 0;
                        } else {
                            count++;
                        }
                    })
                    .build();
        }
    }
}
