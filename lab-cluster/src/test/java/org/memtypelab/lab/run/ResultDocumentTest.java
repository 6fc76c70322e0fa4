package org.memtypelab.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;

/** SCENARIOS.md result document: an incomplete run carries no domain verdict and no checked expectations. */
class ResultDocumentTest {

    @Test
    void anIncompleteRunHasVerdictIncompleteAndExpectHeldNull() throws Exception {
        Scenario s = ((LoadResult.Loaded) ScenarioCatalogue.bundled().resolve("thread/option-0-status-quo")).scenario();
        RunOutcome lost = RunOutcome.failedToStart("setup kvm-node got no answer");

        RunResult r = ResultDocument.of(s, 1, "embedded", lost, List.of("verdict: expected hazard, got none"), null);

        assertThat(r.verdict()).isEqualTo("incomplete");
        assertThat(r.complete()).isFalse();
        assertThat(r.incomplete()).isEqualTo("setup kvm-node got no answer");
        assertThat(r.expect().held()).isNull();
        assertThat(r.expect().heldAll()).isFalse();
        JsonNode json = Documents.JSON.readTree(Documents.JSON.writeValueAsString(r));
        assertThat(json.get("verdict").asText()).isEqualTo("incomplete");
        assertThat(json.get("expect").has("held"))
                .as("held: null is written, not left out")
                .isTrue();
        assertThat(json.get("expect").get("held").isNull()).isTrue();
    }
}
