package org.memtypelab.documents;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.memtypelab.core.coherency.CoherencyLedger;

/**
 * {@code result.json}: what one run found (docs/scenarios.md "Result document"). The same record writes the file,
 * prints {@code run --json} and is read back by {@code replay}, reports and campaigns; the schema is
 * {@code docs/schemas/result.schema.json}. Absent fields: {@code incomplete} when the run completed; {@code notes},
 * {@code truth}, {@code monitor} when the monitor never answered; {@code campaign} outside campaigns; {@code network}
 * unless the run played on a private network ({@code --network isolated}).
 *
 * @param verdict the worst over all buffers: consistent, benign-alias, unknown, hazard
 * @param complete false when the run could not complete (exit 3); {@code incomplete} says why
 * @param truth the monitor checked against every event the nodes acted on (their traces)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResult(
        String scenario,
        long seed,
        String nodes,
        String verdict,
        List<MappingEntry> mappings,
        List<HazardEntry> hazards,
        MigrationEntry migration,
        List<StepEntry> steps,
        ExpectEntry expect,
        FaultCounts faults,
        @JsonProperty("nodes_lost") List<String> nodesLost,
        boolean complete,
        String incomplete,
        List<String> notes,
        TruthEntry truth,
        MonitorEntry monitor,
        @JsonProperty("wall_ms") long wallMs,
        CampaignRun campaign,
        NetworkEntry network) {

    /** A result without a private network. */
    public RunResult(
            String scenario,
            long seed,
            String nodes,
            String verdict,
            List<MappingEntry> mappings,
            List<HazardEntry> hazards,
            MigrationEntry migration,
            List<StepEntry> steps,
            ExpectEntry expect,
            FaultCounts faults,
            List<String> nodesLost,
            boolean complete,
            String incomplete,
            List<String> notes,
            TruthEntry truth,
            MonitorEntry monitor,
            long wallMs,
            CampaignRun campaign) {
        this(
                scenario,
                seed,
                nodes,
                verdict,
                mappings,
                hazards,
                migration,
                steps,
                expect,
                faults,
                nodesLost,
                complete,
                incomplete,
                notes,
                truth,
                monitor,
                wallMs,
                campaign,
                null);
    }

    /** The same result, with what the private network and the cluster did. */
    public RunResult onNetwork(NetworkEntry entry) {
        return new RunResult(
                scenario,
                seed,
                nodes,
                verdict,
                mappings,
                hazards,
                migration,
                steps,
                expect,
                faults,
                nodesLost,
                complete,
                incomplete,
                notes,
                truth,
                monitor,
                wallMs,
                campaign,
                entry);
    }

    /** The same result as a run of a campaign. */
    public RunResult inCampaign(CampaignRun run) {
        return new RunResult(
                scenario,
                seed,
                nodes,
                verdict,
                mappings,
                hazards,
                migration,
                steps,
                expect,
                faults,
                nodesLost,
                complete,
                incomplete,
                notes,
                truth,
                monitor,
                wallMs,
                run,
                network);
    }

    /**
     * Who maps a buffer with which type: {@code type} for CPU mappings, {@code snoop} for DMA, the guest's EPT leaf,
     * {@code why} a type is unknown, and {@code dereferenced: false} for a QEMU mapping nothing reads through.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MappingEntry(
            String buffer, String who, Boolean snoop, String type, EptEntry ept, String why, Boolean dereferenced) {}

    /** The EPT leaf KVM built for a guest mapping. */
    public record EptEntry(String type, boolean ipat) {}

    /** A hazard: the pair (unordered), their types, the kind, the step it first appeared at, and its witness. */
    public record HazardEntry(
            String buffer, List<String> between, List<String> types, String kind, int step, String witness) {}

    /** What the migration thread did: completed, blocked, failed or not-attempted, and why. */
    public record MigrationEntry(String status, String reason) {}

    /** One step's answer; {@code errno} only for memslot steps ({@code 0} or an errno name). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StepEntry(int n, String kind, boolean ok, String errno, String node, String detail) {}

    /**
     * Whether the scenario's {@code expect} held, and the failures if not; {@code held} is null for a run that could
     * not complete (exit 3): nothing was checked (SCENARIOS.md result document).
     */
    public record ExpectEntry(
            @JsonInclude(JsonInclude.Include.ALWAYS) Boolean held, List<String> failures) {

        /** The expectations were not checked: the run is incomplete. */
        public static ExpectEntry notChecked() {
            return new ExpectEntry(null, List.of());
        }

        /** Whether they were checked and held. */
        public boolean heldAll() {
            return Boolean.TRUE.equals(held);
        }
    }

    /**
     * Faults planned by the scenario and injected in the run, with the count per kind ({@code kill},
     * {@code messages_drop}, ...) as further fields of the same object.
     */
    public record FaultCounts(
            int planned,
            int injected,
            @JsonAnyGetter @JsonAnySetter Map<String, Integer> byKind) {
        public FaultCounts {
            byKind = new TreeMap<>(byKind == null ? Map.of() : byKind); // one order on every JVM
        }
    }

    /** The ground truth's verdict, and the hazards the monitor missed or reported falsely against it. */
    public record TruthEntry(
            String verdict,
            List<HazardEntry> missed,
            @JsonProperty("false") List<HazardEntry> falseAlarms) {}

    /** How many events the monitor judged, and the gaps it could not fill. */
    public record MonitorEntry(int events, List<CoherencyLedger.Gap> unobserved) {}

    /**
     * Where a campaign run belongs, and the faults it played ({@code RandomFaults.plan(scenario, seed,
     * random_faults)} gives {@code fault_plan} again).
     *
     * @param run the run's directory name: {@code oracle} for the fault-free run, else {@code r01}, {@code r02}, ...
     * @param randomFaults the campaign's random fault rates; absent for the oracle
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CampaignRun(
            String name,
            String cell,
            String run,
            @JsonProperty("random_faults") RandomFaultRates randomFaults,
            @JsonProperty("fault_plan") List<PlannedFault> faultPlan) {}

    /** A campaign's {@code faults.random}: the chance per message, and kills and partitions per run. */
    public record RandomFaultRates(double messages, double kills, double partitions) {}

    /**
     * One armed fault of a campaign run, in the scenario file's {@code faults} form with its step number: exactly one
     * of {@code messages}, {@code kill}, {@code restart}, {@code partition}, {@code heal} is present.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlannedFault(
            int step,
            List<MessageRuleEntry> messages,
            String kill,
            String restart,
            List<List<String>> partition,
            Map<String, Object> heal) {}

    /** A random message rule: its action, the chance it hits, and a delay's length. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageRuleEntry(String action, double probability, Long ms) {}

    /**
     * What the private network did ({@code --network isolated}) and what the cluster made of it, beside the monitor's
     * verdict: each node's address, the network faults and every cluster event from the first fault on, and per node
     * whether some member's failure detector found it {@code unreachable}, the Split Brain Resolver {@code downed} it,
     * or it was unreachable and became reachable again ({@code rejoined}).
     */
    public record NetworkEntry(
            String mode,
            Map<String, String> addresses,
            List<NetworkEvent> events,
            List<String> unreachable,
            List<String> downed,
            List<String> rejoined) {
        public NetworkEntry {
            addresses = new TreeMap<>(addresses);
        }
    }

    /**
     * One thing that happened on the private network, {@code at_ms} after its first fault of the run: the lab's own
     * {@code cut}, {@code loss} or {@code heal} ({@code observer} {@code network}), or what {@code observer}'s cluster
     * view said about {@code node}: {@code unreachable}, {@code reachable}, {@code downed}, {@code removed}, or its JVM
     * {@code exited}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetworkEvent(
            @JsonProperty("at_ms") long atMs, String observer, String event, String node, String detail) {}
}
