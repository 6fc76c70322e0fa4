package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.TraceLine;

/** Where each message of history.jsonl starts and ends in the sequence diagram, and how long runs are paged. */
class SequenceDiagramTest {

    private static List<HistoryEntry> history(String... lines) throws Exception {
        List<HistoryEntry> entries = new ArrayList<>();
        for (String l : lines) {
            entries.add(HistoryEntry.of(Documents.JSON.readValue(l, TraceLine.class)));
        }
        return entries;
    }

    private static String line(String node, long lamport, int step, String kindAndFields) {
        return "{\"node\":\"" + node + "\",\"incarnation\":1,\"line\":1,\"lamport\":" + lamport + ",\"step\":" + step
                + ",\"wall\":1," + kindAndFields + "}";
    }

    private static String send(String node, long lamport, int step, String what) {
        return line(node, lamport, step, "\"kind\":\"send\",\"what\":\"" + what + "\"");
    }

    private static String recv(String node, long lamport, int step, String what, String from) {
        return line(node, lamport, step, "\"kind\":\"recv\",\"what\":\"" + what + "\",\"from\":\"" + from + "\"");
    }

    private static String decide(String node, long lamport, int step, String detail) {
        return line(node, lamport, step, "\"kind\":\"decide\",\"detail\":\"" + detail + "\"");
    }

    private static final String EVENT = line(
            "kvm-node",
            6,
            1,
            "\"kind\":\"event\",\"seq\":1,\"observation\":{\"obs\":\"mapping-set\",\"mapping\":{\"buffer\":\"b0\","
                    + "\"who\":\"GUEST\",\"type\":{\"as\":\"cpu\",\"type\":\"WB\"},\"dereferenced\":true}}");

    /** The late-reply shape: a command, its answer delayed, the conductor's retry and kvm-node's repeat answer. */
    private static List<HistoryEntry> lateReply() throws Exception {
        return history(
                send("conductor", 4, 1, "guest-write"), // 0
                recv("kvm-node", 5, 1, "guest-write", "conductor"), // 1
                EVENT, // 2: kvm-node reports to the monitor
                line("kvm-node", 6, 1, "\"kind\":\"fault\",\"fault\":\"delay\",\"to\":\"conductor\",\"message\":\"x\""),
                decide("conductor", 5, 1, "no answer to guest-write from kvm-node, attempt 2"), // 4
                recv("kvm-node", 7, 1, "guest-write", "conductor"), // 5: the retry
                recv("conductor", 8, 1, "guest-write done", "kvm-node")); // 6: the answer, no send line
    }

    @Test
    void aReceiptStartsAtItsSendARetryAndAnAnswerWithoutSendLineAtTheSendersLastEarlierLine() throws Exception {
        SequenceDiagram d = SequenceDiagram.of(lateReply());

        assertThat(d.arrows())
                .containsExactly(
                        new SequenceDiagram.Arrow(0, "conductor", 1, "kvm-node", "guest-write \u2190 conductor", false),
                        new SequenceDiagram.Arrow(2, "kvm-node", 2, "monitor", "mapping guest WB", true),
                        new SequenceDiagram.Arrow(4, "conductor", 5, "kvm-node", "guest-write \u2190 conductor", false),
                        new SequenceDiagram.Arrow(
                                5, "kvm-node", 6, "conductor", "guest-write done \u2190 kvm-node", false));
    }

    @Test
    void aRestartedIncarnationsSetUpIsDrawnAfterTheRestartSoItsReadyMessageStartsThere() throws Exception {
        String second = line("gpu-process-node", 0, 0, "\"kind\":\"setup\",\"run\":\"t@1\",\"seed\":1")
                .replace("\"incarnation\":1", "\"incarnation\":2");
        SequenceDiagram d = SequenceDiagram.of(history(
                line("gpu-process-node", 0, 0, "\"kind\":\"setup\",\"run\":\"t@1\",\"seed\":1"), // 0
                second, // drawn as 4
                send("gpu-process-node", 3, 1, "dma-buf b0 to qemu-node"), // 1
                decide("conductor", 5, 2, "inject restart gpu-process-node"), // 2
                decide("conductor", 5, 2, "gpu-process-node restarted as a new incarnation"), // 3
                recv("conductor", 6, 2, "gpu-process-node ready: fresh GPU process", "gpu-process-node"))); // 5

        assertThat(d.arrows())
                .containsExactly(new SequenceDiagram.Arrow(
                        4,
                        "gpu-process-node",
                        5,
                        "conductor",
                        "gpu-process-node ready: fresh GPU process \u2190 gpu-process-node",
                        false));
    }

    @Test
    void lanesRunFromTheConductorToTheMonitorWithTheNodesInStepOrderBetween() throws Exception {
        SequenceDiagram d = SequenceDiagram.of(history(
                recv("qemu-node", 2, 1, "import", "gpu-process-node"), recv("kvm-node", 3, 1, "install", "qemu-node")));

        assertThat(d.lanes()).containsExactly("conductor", "kvm-node", "qemu-node", "gpu-process-node", "monitor");
    }

    @Test
    void theDiagramDrawsOneArrowPerMessageMarksFaultsAndShadesTheHazardStep() throws Exception {
        Html h = new Html().head("t");
        SequenceDiagram.of(lateReply()).render(h, Map.of(1, List.of("b0 guest/renderer memtype-alias")), Map.of());
        String html = h.finish();

        assertThat(count(html, "<line class=\"arrow[\" ]")).isEqualTo(4);
        assertThat(count(html, "<line class=\"arrow event\"")).isEqualTo(1);
        assertThat(count(html, "<g class=\"fault\" data-node=\"kvm-node\">")).isEqualTo(1);
        assertThat(html).contains("<rect class=\"hazard-step\" data-step=\"1\"");
        assertThat(html).contains("<g class=\"lane\" data-node=\"monitor\">");
    }

    @Test
    void longRunsArePagedAtStepBoundariesAndAStepLongerThanAPageIsCut() throws Exception {
        List<String> lines = new ArrayList<>();
        int lamport = 1;
        for (int step = 1; step <= 3; step++) {
            for (int i = 0; i < 25; i++) {
                lines.add(decide("conductor", lamport++, step, "d"));
            }
        }
        for (int i = 0; i < 130; i++) {
            lines.add(decide("conductor", lamport++, 4, "d"));
        }
        SequenceDiagram d = SequenceDiagram.of(history(lines.toArray(String[]::new)));

        assertThat(d.pages())
                .extracting(r -> r[0] + "-" + r[1])
                .containsExactly("0-50", "50-75", "75-135", "135-195", "195-205");

        Html h = new Html().head("t");
        d.render(h, Map.of(), Map.of());
        String html = h.finish();
        assertThat(count(html, "<svg class=\"sequence\"")).isEqualTo(5);
        assertThat(html).contains("data-seq=\"next\"");
    }

    private static long count(String text, String regex) {
        return Pattern.compile(regex).matcher(text).results().count();
    }
}
