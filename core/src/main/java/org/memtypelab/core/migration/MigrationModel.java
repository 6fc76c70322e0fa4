package org.memtypelab.core.migration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.qemu.BlobSlot;

/**
 * The live-migration thread of one run under one policy (DOMAIN 5.4, rules 27-29, DOMAIN 9 option 7): asks QEMU for
 * blockers and the blobs it must read, then lets the GPU process save them, or copies them through QEMU's mapping
 * one after the other, or skips them. Pure: the caller sends the requests, feeds the answers in and times out.
 */
public final class MigrationModel {

    /** What the migration thread does next. */
    public sealed interface Next permits AskQemu, AskGpuToSave, StartDirtyLog, Finished, Refused, Ignored {}

    /** Ask QEMU for its migration blockers and the blobs migration reads through its mapping. */
    public record AskQemu(MigrationPolicy policy) implements Next {}

    /** Ask the GPU process to save the blobs as GPU state. */
    public record AskGpuToSave() implements Next {}

    /** Emit {@code observations} (the blob just read), then ask KVM to log the dirty pages of {@code blob}. */
    public record StartDirtyLog(BlobSlot blob, List<Observation> observations) implements Next {
        public StartDirtyLog {
            observations = List.copyOf(observations);
        }
    }

    /** The migration is over: emit {@code observations}, then answer the migrate with {@code outcome}. */
    public record Finished(MigrationOutcome outcome, List<Observation> observations) implements Next {
        public Finished {
            observations = List.copyOf(observations);
        }
    }

    /** This migrate is refused with {@code outcome}; a migration that runs goes on. */
    public record Refused(MigrationOutcome outcome) implements Next {

        /** A refusal for {@code reason}, e.g. a node without a run. */
        public static Refused because(String reason) {
            return new Refused(new MigrationOutcome(MigrationOutcome.Status.FAILED, reason));
        }
    }

    /** An answer no migration waits for (late, repeated, another step's or another request's): nothing to do. */
    public record Ignored() implements Next {}

    private enum Phase {
        NONE,
        INFO,
        SAVE,
        DIRTY_LOG
    }

    private static final Ignored IGNORED = new Ignored();

    private final MigrationPolicy policy;
    private final Deque<BlobSlot> toCopy = new ArrayDeque<>();
    private final List<BlobSlot> copied = new ArrayList<>();
    private Phase phase = Phase.NONE;
    private int step;
    private String awaiting = "";
    /** Why saving the device state at the end crashes the source QEMU; empty when it does not (DOMAIN rule 32). */
    private String saveCrash = "";

    public MigrationModel(MigrationPolicy policy) {
        this.policy = policy;
    }

    public MigrationPolicy policy() {
        return policy;
    }

    /** Whether a migration waits for an answer. */
    public boolean running() {
        return phase != Phase.NONE;
    }

    /** The request the running migration waits on ({@code start-dirty-log b0}); empty when none runs. */
    public String awaiting() {
        return awaiting;
    }

    /** A migrate command of {@code step}: starts with QEMU's migration information, unless one already runs. */
    public Next migrate(int step) {
        if (running()) {
            return Refused.because("a migration is already running");
        }
        this.step = step;
        toCopy.clear();
        copied.clear();
        saveCrash = "";
        return await(Phase.INFO, "migration-info", new AskQemu(policy));
    }

    /** QEMU's blockers and the blobs migration must read through its mapping, for {@code step}; QEMU saves. */
    public Next infoArrived(int step, List<String> blockers, List<BlobSlot> blobsToCopy) {
        return infoArrived(step, blockers, "", blobsToCopy);
    }

    /**
     * QEMU's blockers, why its device-state save will crash ({@code ""}: it will not) and the blobs migration must read
     * through its mapping, for {@code step}.
     */
    public Next infoArrived(int step, List<String> blockers, String saveCrash, List<BlobSlot> blobsToCopy) {
        if (!waitingFor(Phase.INFO, step)) {
            return IGNORED;
        }
        if (!blockers.isEmpty()) {
            // DOMAIN rule 27: any migration attempt fails while a blocker exists
            return finish(MigrationOutcome.Status.BLOCKED, String.join("; ", blockers), List.of());
        }
        this.saveCrash = saveCrash;
        if (policy == MigrationPolicy.BLOB_AS_GPU_STATE) {
            // DOMAIN 9 option 7: blob memory is GPU state, saved by the GPU process; M never reads it through Q
            return await(Phase.SAVE, "save-blobs", new AskGpuToSave());
        }
        toCopy.addAll(blobsToCopy);
        return copyNext(List.of());
    }

    /** The GPU process's answer to the save request of {@code step}. */
    public Next gpuSaved(int step, boolean ok, String detail) {
        if (!waitingFor(Phase.SAVE, step)) {
            return IGNORED;
        }
        return ok
                ? complete(detail + " (DOMAIN 9 option 7)", List.of())
                : finish(MigrationOutcome.Status.FAILED, detail, List.of());
    }

    /** KVM's answer to the dirty-log request for {@code buffer} of {@code step}. */
    public Next dirtyLogStarted(int step, String buffer, boolean ok, String detail) {
        if (!waitingFor(Phase.DIRTY_LOG, step) || !toCopy.element().buffer().equals(buffer)) {
            return IGNORED;
        }
        if (!ok) {
            return finish(MigrationOutcome.Status.FAILED, detail, List.of());
        }
        BlobSlot blob = toCopy.remove();
        copied.add(blob);
        // DOMAIN rule 29: RAM migration reads pages through QEMU's hva, so M's type is the type of QEMU's mapping
        MappingType viaQemu = new MappingType.Cpu(blob.qemuType());
        return copyNext(List.of(
                new Observation.MappingSet(new Mapping(blob.buffer(), Who.MIGRATION, viaQemu, true)),
                new Observation.Access(blob.buffer(), Who.MIGRATION, viaQemu, false, 0, 0)));
    }

    /** The request waited on went unanswered {@code attempts} times of {@code attemptMillis}: the migration fails. */
    public Next unanswered(int attempts, long attemptMillis) {
        if (!running()) {
            return IGNORED;
        }
        return finish(
                MigrationOutcome.Status.FAILED,
                "no answer to " + awaiting + " after " + attempts + " attempts of " + attemptMillis + " ms",
                List.of());
    }

    /** Dirty logging on, then the blob's pages read, one blob after the other; M's mappings go at the end. */
    private Next copyNext(List<Observation> read) {
        BlobSlot blob = toCopy.peek();
        if (blob != null) {
            return await(Phase.DIRTY_LOG, "start-dirty-log " + blob.buffer(), new StartDirtyLog(blob, read));
        }
        List<Observation> out = new ArrayList<>(read);
        copied.forEach(b -> out.add(new Observation.MappingGone(b.buffer(), Who.MIGRATION)));
        String what = policy == MigrationPolicy.RAM_COPY
                ? "copied " + copied.size() + " blob(s) through QEMU's mapping like RAM"
                // DOMAIN rule 28: a mapped blob is not migratable RAM and is skipped by RAM migration
                : "blob regions are not migratable RAM and were skipped (DOMAIN rule 28)";
        if (policy != MigrationPolicy.RAM_COPY && !copied.isEmpty()) {
            // DOMAIN rule 32: a 2D blob is guest RAM, copied with it; only hostmem blob regions are skipped
            what = "copied " + copied.size() + " 2D blob(s) with guest RAM (DOMAIN rule 32); hostmem " + what;
        }
        return complete(what, out);
    }

    /**
     * RAM and blobs are done; QEMU saves the device state last, and a QEMU whose save crashes fails the migration
     * there, after what was read (DOMAIN rule 32).
     */
    private Finished complete(String what, List<Observation> observations) {
        return saveCrash.isEmpty()
                ? finish(MigrationOutcome.Status.COMPLETED, what, observations)
                : finish(MigrationOutcome.Status.FAILED, saveCrash, observations);
    }

    private boolean waitingFor(Phase p, int answerStep) {
        return phase == p && answerStep == step;
    }

    private Next await(Phase p, String request, Next next) {
        phase = p;
        awaiting = request;
        return next;
    }

    private Finished finish(MigrationOutcome.Status status, String reason, List<Observation> observations) {
        phase = Phase.NONE;
        awaiting = "";
        return new Finished(new MigrationOutcome(status, reason), observations);
    }

    /** Whether the migrate step succeeded: a blocked migration is an answer, not a failure. */
    public static boolean ok(MigrationOutcome o) {
        return o.status() != MigrationOutcome.Status.FAILED;
    }

    /** The step's detail: {@code migration blocked: virgl is not yet migratable}. */
    public static String detail(MigrationOutcome o) {
        return "migration " + o.status().label() + ": " + o.reason();
    }
}
