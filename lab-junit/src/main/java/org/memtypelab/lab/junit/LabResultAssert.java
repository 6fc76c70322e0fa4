package org.memtypelab.lab.junit;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractObjectAssert;
import org.memtypelab.documents.RunResult;

/**
 * AssertJ assertions on a {@link LabResult}: {@code assertThat(result).hasVerdict("hazard").hasHazard("b0", "guest",
 * "renderer")}. Every failure message shows the run (verdict, hazards, migration, run directory).
 */
public final class LabResultAssert extends AbstractObjectAssert<LabResultAssert, LabResult> {

    LabResultAssert(LabResult actual) {
        super(actual, LabResultAssert.class);
    }

    /** The verdict is {@code verdict} ({@code consistent}, {@code benign-alias}, {@code unknown}, {@code hazard}). */
    public LabResultAssert hasVerdict(String verdict) {
        isNotNull();
        if (!actual.verdict().equals(verdict)) {
            failWithMessage("Expected verdict <%s> but was <%s> in%n%s", verdict, actual.verdict(), actual);
        }
        return this;
    }

    /** The run completed (it did not end with exit 3). */
    public LabResultAssert isComplete() {
        isNotNull();
        if (!actual.complete()) {
            failWithMessage("Expected a complete run but it was incomplete: %s in%n%s", actual.incomplete(), actual);
        }
        return this;
    }

    /** A hazard on {@code buffer} between {@code who} and {@code other} (either order), of any kind. */
    public LabResultAssert hasHazard(String buffer, String who, String other) {
        return hasHazard(buffer, who, other, Optional.empty());
    }

    /** A hazard on {@code buffer} between {@code who} and {@code other} (either order) of {@code kind}. */
    public LabResultAssert hasHazard(String buffer, String who, String other, String kind) {
        return hasHazard(buffer, who, other, Optional.of(kind));
    }

    private LabResultAssert hasHazard(String buffer, String who, String other, Optional<String> kind) {
        isNotNull();
        Set<String> between = Set.of(who, other);
        boolean found = actual.hazards().stream()
                .anyMatch(h -> h.buffer().equals(buffer)
                        && Set.copyOf(h.between()).equals(between)
                        && kind.map(k -> k.equals(h.kind())).orElse(true));
        if (!found) {
            failWithMessage(
                    "Expected a hazard on %s between %s and %s%s in%n%s",
                    buffer, who, other, kind.map(k -> " (" + k + ")").orElse(""), actual);
        }
        return this;
    }

    /** No hazard at all. */
    public LabResultAssert hasNoHazards() {
        isNotNull();
        if (!actual.hazards().isEmpty()) {
            failWithMessage("Expected no hazards in%n%s", actual);
        }
        return this;
    }

    /** The migration's status: {@code completed}, {@code blocked}, {@code failed} or {@code not-attempted}. */
    public LabResultAssert hasMigration(String status) {
        isNotNull();
        RunResult.MigrationEntry m = actual.migration();
        if (!m.status().equals(status)) {
            failWithMessage("Expected migration <%s> but was <%s> (%s) in%n%s", status, m.status(), m.reason(), actual);
        }
        return this;
    }

    /** Step {@code n}'s errno is {@code errno} ({@code 0}, {@code EEXIST}, {@code EINVAL}, {@code EFAULT}, ...). */
    public LabResultAssert hasErrno(int n, String errno) {
        isNotNull();
        return errnoIs("step " + n, step(() -> actual.step(n)), errno);
    }

    /** The errno of a step named as in {@code expect.errno} ({@code set-memory-region#2}). */
    public LabResultAssert hasErrno(String kindAndOrdinal, String errno) {
        isNotNull();
        return errnoIs(kindAndOrdinal, step(() -> actual.step(kindAndOrdinal)), errno);
    }

    private StepResult step(Supplier<StepResult> lookup) {
        try {
            return lookup.get();
        } catch (IllegalArgumentException e) {
            failWithMessage("%s in%n%s", e.getMessage(), actual);
            throw e; // not reached: failWithMessage throws
        }
    }

    private LabResultAssert errnoIs(String which, StepResult step, String errno) {
        if (!step.errno().equals(Optional.of(errno))) {
            failWithMessage(
                    "Expected %s (%s) to answer <%s> but it answered <%s>: %s in%n%s",
                    which, step.kind(), errno, step.errno().orElse("no errno"), step.detail(), actual);
        }
        return this;
    }

    /** {@code who} maps {@code buffer} with CPU type {@code type} ({@code WB}, {@code WC}, ...). */
    public LabResultAssert hasMapping(String buffer, String who, String type) {
        isNotNull();
        Optional<RunResult.MappingEntry> m = actual.mapping(buffer, who);
        if (m.isEmpty() || !type.equals(m.get().type())) {
            failWithMessage(
                    "Expected %s to map %s as <%s> but it %s; mappings: %s in%n%s",
                    who,
                    buffer,
                    type,
                    m.map(e -> "maps it as <" + e.type() + ">").orElse("does not map it"),
                    mappings(actual.mappings()),
                    actual);
        }
        return this;
    }

    /** The scenario's own {@code expect} block held. */
    public LabResultAssert meetsItsExpectations() {
        isNotNull();
        if (!actual.expect().heldAll()) {
            failWithMessage(
                    "Expected the scenario's expect to hold; %s in%n%s",
                    actual.complete() ? "failed: " + actual.expect().failures() : "not checked, the run is incomplete",
                    actual);
        }
        return this;
    }

    private static String mappings(List<RunResult.MappingEntry> mappings) {
        return mappings.stream()
                .map(m -> m.buffer() + " " + m.who() + ": " + (m.type() != null ? m.type() : "snoop=" + m.snoop()))
                .toList()
                .toString();
    }
}
