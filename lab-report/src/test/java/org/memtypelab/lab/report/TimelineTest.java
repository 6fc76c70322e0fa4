package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.TraceLine;

/** Which row of the timeline each history line lands in. */
class TimelineTest {

    private static Timeline timeline(String... lines) throws Exception {
        List<HistoryEntry> entries = new java.util.ArrayList<>();
        for (String l : lines) {
            entries.add(HistoryEntry.of(Documents.JSON.readValue(l, TraceLine.class)));
        }
        return Timeline.of(entries);
    }

    private static Map<String, List<String>> row(Timeline t, int step) {
        Timeline.Row r =
                t.rows().stream().filter(x -> x.step() == step).findFirst().orElseThrow();
        Map<String, List<String>> texts = new java.util.TreeMap<>();
        r.byNode()
                .forEach((n, es) ->
                        texts.put(n, es.stream().map(HistoryEntry::text).toList()));
        return texts;
    }

    @Test
    void armLinesSortedAmongSetupLinesDoNotPullLaterSetupsIntoStepOne() throws Exception {
        // a campaign run: arm records have Lamport 0 and step 1, and sort between the nodes' setup records
        Timeline t = timeline(
                "{\"node\":\"conductor\",\"incarnation\":1,\"lamport\":0,\"step\":0,\"kind\":\"setup\",\"seed\":3}",
                "{\"node\":\"gpu-process-node\",\"incarnation\":1,\"lamport\":0,\"step\":0,\"kind\":\"setup\",\"seed\":3}",
                "{\"node\":\"gpu-process-node\",\"incarnation\":1,\"lamport\":0,\"step\":1,\"kind\":\"arm\",\"rules\":4,"
                        + "\"partition\":\"[]\",\"heal\":false}",
                "{\"node\":\"kvm-node\",\"incarnation\":1,\"lamport\":0,\"step\":0,\"kind\":\"setup\",\"seed\":3}",
                "{\"node\":\"conductor\",\"incarnation\":1,\"lamport\":1,\"step\":0,\"kind\":\"recv\","
                        + "\"what\":\"kvm-node ready: fresh VM\",\"from\":\"kvm-node\"}",
                "{\"node\":\"conductor\",\"incarnation\":1,\"lamport\":4,\"step\":1,\"kind\":\"decide\","
                        + "\"detail\":\"inject Messages[rules=[]]\"}");

        assertThat(row(t, 0))
                .containsEntry("kvm-node", List.of("joined the run"))
                .containsEntry("conductor", List.of("joined the run", "kvm-node ready: fresh VM \u2190 kvm-node"));
        assertThat(row(t, 1))
                .containsEntry("gpu-process-node", List.of("armed 4 message rule(s)"))
                .containsEntry("conductor", List.of("inject no message rules"))
                .doesNotContainKey("kvm-node");
        assertThat(t.rows().get(1).faulty()).isTrue();
        assertThat(t.rows().get(0).faulty()).isFalse();
    }

    @Test
    void nodesBeyondTheFiveGetTheirOwnColumnAfterThem() throws Exception {
        Timeline t = timeline("{\"node\":\"monitor\",\"incarnation\":1,\"lamport\":3,\"step\":2,\"kind\":\"decide\","
                + "\"detail\":\"asked kvm-node to resend [4]\"}");

        assertThat(t.nodes())
                .containsExactly("kvm-node", "qemu-node", "gpu-process-node", "migration-node", "conductor", "monitor");
        assertThat(row(t, 2)).containsEntry("monitor", List.of("asked kvm-node to resend 4"));
    }
}
