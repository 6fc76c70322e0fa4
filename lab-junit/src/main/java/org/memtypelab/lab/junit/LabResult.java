package org.memtypelab.lab.junit;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.assertj.core.api.AssertProvider;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.RunOutcome;
import org.memtypelab.lab.scenario.Scenario;

/**
 * What one run found: its result.json ({@link RunResult}, docs/scenarios.md "Result document") as typed values, the
 * run directory holding it with the traces and history, and the conductor's own outcome. AssertJ's
 * {@code assertThat(result)} gives a {@link LabResultAssert}.
 */
public final class LabResult implements AssertProvider<LabResultAssert> {

    private final Scenario scenario;
    private final RunOutcome outcome;
    private final RunResult document;
    private final Path dir;

    LabResult(Scenario scenario, RunOutcome outcome, RunResult document, Path dir) {
        this.scenario = scenario;
        this.outcome = outcome;
        this.document = document;
        this.dir = dir;
    }

    /** {@code consistent}, {@code benign-alias}, {@code unknown}, {@code hazard}, or {@code incomplete} (exit 3). */
    public String verdict() {
        return document.verdict();
    }

    /** Whether the run completed; {@link #incomplete()} says why not. */
    public boolean complete() {
        return document.complete();
    }

    /** What a run that could not complete was missing. */
    public Optional<String> incomplete() {
        return Optional.ofNullable(document.incomplete());
    }

    /** The hazards the monitor reported: buffer, between (unordered), types, kind, first step and witness. */
    public List<RunResult.HazardEntry> hazards() {
        return document.hazards();
    }

    /** Who maps each buffer with which type (the guest's with its EPT leaf, the GPU's DMA with its snoop). */
    public List<RunResult.MappingEntry> mappings() {
        return document.mappings();
    }

    /** How {@code who} ({@code guest}, {@code qemu}, {@code renderer}, {@code migration}, {@code gpu}) maps a buffer. */
    public Optional<RunResult.MappingEntry> mapping(String buffer, String who) {
        return mappings().stream()
                .filter(m -> m.buffer().equals(buffer) && m.who().equals(who))
                .findFirst();
    }

    /** Every step's answer, in order. */
    public List<StepResult> steps() {
        return document.steps().stream().map(StepResult::of).toList();
    }

    /** Step {@code n} (from 1). */
    public StepResult step(int n) {
        return steps().stream()
                .filter(s -> s.n() == n)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + n + " in this run; steps: 1.."
                        + document.steps().size()));
    }

    /** A step named as in {@code expect.errno}: its kind and its ordinal among steps of that kind ({@code set-memory-region#2}). */
    public StepResult step(String kindAndOrdinal) {
        int hash = kindAndOrdinal.indexOf('#');
        String kind = hash < 0 ? kindAndOrdinal : kindAndOrdinal.substring(0, hash);
        int ordinal;
        try {
            ordinal = hash < 0 ? 1 : Integer.parseInt(kindAndOrdinal.substring(hash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + kindAndOrdinal + "' names no step; allowed: KIND or KIND#N");
        }
        List<StepResult> ofKind =
                steps().stream().filter(s -> s.kind().equals(kind)).toList();
        if (ordinal < 1 || ordinal > ofKind.size()) {
            throw new IllegalArgumentException(
                    "no step " + kindAndOrdinal + " in this run: it has " + ofKind.size() + " " + kind + " step(s)");
        }
        return ofKind.get(ordinal - 1);
    }

    /** What the migration thread did: {@code status()} completed, blocked, failed or not-attempted, and the reason. */
    public RunResult.MigrationEntry migration() {
        return document.migration();
    }

    /** Whether the scenario's own {@code expect} held, and the failures if not. */
    public RunResult.ExpectEntry expect() {
        return document.expect();
    }

    /** The whole result.json document. */
    public RunResult document() {
        return document;
    }

    /** The conductor's outcome (the monitor's report with core types), for checks beyond the document. */
    public RunOutcome outcome() {
        return outcome;
    }

    /** The scenario that was played. */
    public Scenario scenario() {
        return scenario;
    }

    /** The run directory: result.json, scenario.yaml, trace-*.jsonl, history.jsonl. */
    public Path dir() {
        return dir;
    }

    @Override
    public LabResultAssert assertThat() {
        return new LabResultAssert(this);
    }

    /** The run in a few lines, as assertion messages show it. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder()
                .append("scenario  ")
                .append(document.scenario())
                .append(" (seed ")
                .append(document.seed())
                .append(", nodes ")
                .append(document.nodes())
                .append(")\nverdict   ")
                .append(verdict());
        incomplete().ifPresent(why -> b.append(" (").append(why).append(')'));
        for (RunResult.HazardEntry h : hazards()) {
            b.append("\n  HAZARD  ")
                    .append(h.buffer())
                    .append(' ')
                    .append(h.between())
                    .append(' ')
                    .append(h.types())
                    .append(' ')
                    .append(h.kind())
                    .append(" at step ")
                    .append(h.step());
        }
        b.append("\nmigration ").append(migration().status());
        if (!expect().failures().isEmpty()) {
            b.append("\nexpect    ").append(expect().failures().stream().collect(Collectors.joining("; ")));
        }
        return b.append("\nfiles     ").append(dir).toString();
    }
}
