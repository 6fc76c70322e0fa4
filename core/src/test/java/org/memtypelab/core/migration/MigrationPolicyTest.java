package org.memtypelab.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SCENARIOS.md "Migration policies" and the result document's migration statuses. */
class MigrationPolicyTest {

    @ParameterizedTest(name = "{0}: label {1}, virgl blocker kept {2}")
    @CsvSource({
        "STATUS_QUO, status-quo, true",
        "RAM_COPY, ram-copy, false",
        "BLOB_AS_GPU_STATE, blob-as-gpu-state, false"
    })
    void policiesAndTheVirglBlocker(MigrationPolicy p, String label, boolean keeps) {
        assertThat(p.label()).isEqualTo(label);
        assertThat(MigrationPolicy.parse(label.toUpperCase())).contains(p);
        assertThat(p.keepsVirglBlocker()).isEqualTo(keeps);
    }

    @Test
    void unknownPoliciesAreRejectedWithTheAllowedList() {
        assertThat(MigrationPolicy.parse("postcopy")).isEmpty();
        assertThat(MigrationPolicy.parse(null)).isEmpty();
        assertThat(MigrationPolicy.allowed()).isEqualTo("status-quo, ram-copy, blob-as-gpu-state");
    }

    @Test
    void statusLabelsMatchTheResultDocument() {
        assertThat(MigrationOutcome.Status.COMPLETED.label()).isEqualTo("completed");
        assertThat(MigrationOutcome.Status.BLOCKED.label()).isEqualTo("blocked");
        assertThat(MigrationOutcome.Status.FAILED.label()).isEqualTo("failed");
        assertThat(MigrationOutcome.Status.NOT_ATTEMPTED.label()).isEqualTo("not-attempted");
    }
}
