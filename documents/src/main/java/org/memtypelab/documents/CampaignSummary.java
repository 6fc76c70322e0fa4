package org.memtypelab.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code campaign.json}: how a campaign went, one row per cell of its matrix (docs/scenarios.md "Campaign spec"). The
 * same record writes the file (while the campaign runs and at its end) and is read back by reports; the schema is
 * {@code docs/schemas/campaign.schema.json}. Verdict counts are keyed by verdict label in verdict order, hazard
 * counts by hazard ({@code b0 guest/renderer memtype-alias}) in name order.
 *
 * @param name the spec's {@code name}
 * @param spec the spec file it was loaded from
 * @param base where the base scenario was loaded from
 * @param complete every planned run finished and the campaign was not interrupted
 * @param runsPlanned runs planned, oracle runs included; {@code runsDone} counts the same way
 * @param exitCode 0 nothing missed or false, 1 a cell failed, 3 no cluster formed
 */
public record CampaignSummary(
        @JsonProperty("campaign") String name,
        String description,
        String spec,
        String base,
        long seed,
        String nodes,
        int parallel,
        FaultsEntry faults,
        boolean complete,
        boolean interrupted,
        @JsonProperty("runs_planned") int runsPlanned,
        @JsonProperty("runs_done") int runsDone,
        @JsonProperty("wall_ms") long wallMs,
        ClustersEntry clusters,
        TotalsEntry totals,
        List<CellEntry> cells,
        @JsonProperty("exit_code") int exitCode) {

    public CampaignSummary {
        cells = cells == null ? List.of() : List.copyOf(cells);
    }

    /** The spec's random faults of every faulty run, and how many faulty runs a cell gets besides its oracle. */
    public record FaultsEntry(
            double messages,
            double kills,
            double partitions,
            @JsonProperty("runs_per_cell") int runsPerCell) {}

    /**
     * Workers whose cluster formed, clusters replaced after runs kept failing on them, fault-free probe runs played to
     * check a cluster after a streak of incomplete runs, and why clusters were replaced.
     */
    public record ClustersEntry(int formed, int restarts, int probes, List<String> errors) {
        public ClustersEntry {
            errors = errors == null ? List.of() : List.copyOf(errors);
        }
    }

    /** The cells' counts summed over the campaign. */
    public record TotalsEntry(
            int cells,
            @JsonProperty("cells_run") int cellsRun,
            @JsonProperty("cells_skipped") int cellsSkipped,
            int runs,
            Map<String, Integer> verdicts,
            int missed,
            @JsonProperty("false") int falseHazards,
            int exit3,
            int diverged,
            @JsonProperty("truth_mismatches") int truthMismatches,
            @JsonProperty("cells_failed") int cellsFailed) {
        public TotalsEntry {
            verdicts = inOrder(verdicts);
        }
    }

    /**
     * One cell of the matrix: played, or skipped because the scenario loader rejects its values. Its {@code status}
     * says which: {@code skipped}, else {@code passed}, {@code failed}, {@code oracle-incomplete} or {@code partial}
     * (not every run finished).
     */
    @JsonDeserialize(using = CellEntry.ByStatus.class)
    public sealed interface CellEntry permits PlayedCell, SkippedCell {

        /** The cell's id and directory name under {@code runs/}: {@code 03-6.10-false}. */
        String cell();

        /** Position in the matrix, from 1. */
        int index();

        /** Key path to value, in matrix order; a value is a string, number, boolean, list, map or null. */
        Map<String, Object> values();

        String status();

        /** Reads a cell as a {@link SkippedCell} when its status says so, else as a {@link PlayedCell}. */
        final class ByStatus extends StdDeserializer<CellEntry> {
            public ByStatus() {
                super(CellEntry.class);
            }

            @Override
            public CellEntry deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode cell = ctxt.readTree(p);
                Class<? extends CellEntry> type =
                        SkippedCell.STATUS.equals(cell.path("status").asText()) ? SkippedCell.class : PlayedCell.class;
                return ctxt.readTreeAsValue(cell, type);
            }
        }
    }

    /**
     * A cell that ran: its oracle run ({@code null} until it finished), its faulty runs' verdicts and hazards, what
     * they got wrong against the oracle and their own traces, and their times.
     *
     * @param dir the directory of the cell's runs, relative to the campaign directory
     * @param runs faulty runs finished
     * @param verdicts completed faulty runs by verdict, every verdict present
     * @param hazards completed faulty runs by hazard they reported
     * @param meanMs mean wall time of the faulty runs, to 0.1 ms
     * @param p99Ms 99th percentile (nearest rank) of their wall time
     * @param failures every run that made the cell fail, by run number
     */
    @JsonDeserialize(using = JsonDeserializer.None.class) // not CellEntry's, which picks this type
    public record PlayedCell(
            String cell,
            int index,
            Map<String, Object> values,
            String status,
            String dir,
            OracleEntry oracle,
            int runs,
            Map<String, Integer> verdicts,
            Map<String, Integer> hazards,
            int missed,
            @JsonProperty("false") int falseHazards,
            int exit3,
            int diverged,
            @JsonProperty("truth_mismatches") int truthMismatches,
            @JsonProperty("mean_ms") double meanMs,
            @JsonProperty("p99_ms") long p99Ms,
            List<FailureEntry> failures)
            implements CellEntry {
        public PlayedCell {
            values = inOrder(values);
            verdicts = inOrder(verdicts);
            hazards = Collections.unmodifiableMap(new TreeMap<>(hazards == null ? Map.of() : hazards));
            failures = failures == null ? List.of() : List.copyOf(failures);
        }
    }

    /** A cell whose values the scenario loader rejects: not run, with the loader's reason. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    public record SkippedCell(String cell, int index, Map<String, Object> values, String status, String reason)
            implements CellEntry {
        /** The status of every skipped cell. */
        public static final String STATUS = "skipped";

        public SkippedCell {
            values = inOrder(values);
        }

        /** A skipped cell, with its status. */
        public SkippedCell(String cell, int index, Map<String, Object> values, String reason) {
            this(cell, index, values, STATUS, reason);
        }
    }

    /**
     * A cell's fault-free oracle run; {@code incomplete} says why it did not complete, absent when it did.
     *
     * @param dir the run directory, relative to the campaign directory
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OracleEntry(
            String verdict,
            List<HazardIdEntry> hazards,
            boolean complete,
            String incomplete,
            long seed,
            @JsonProperty("wall_ms") long wallMs,
            String dir) {
        public OracleEntry {
            hazards = hazards == null ? List.of() : List.copyOf(hazards);
        }
    }

    /** What makes two runs' hazards the same: the buffer, the two parties (sorted) and the kind. */
    public record HazardIdEntry(String buffer, List<String> between, String kind) {}

    /** A run that made its cell fail, and why ({@code missed ...}, {@code false ...}, {@code exit 3: ...}). */
    public record FailureEntry(int run, long seed, String dir, String why) {}

    /** A copy keeping the given order; values may be null (a matrix value {@code null}). */
    private static <V> Map<String, V> inOrder(Map<String, V> m) {
        return Collections.unmodifiableMap(m == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m));
    }
}
