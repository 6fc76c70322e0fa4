package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.lab.report.RunDirFixture.read;
import static org.memtypelab.lab.report.RunDirFixture.write;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Java spelling reaches a reader of a report: the texts below are what faulty runs and a campaign really recorded
 * (record and list {@code toString}s from the conductor, the monitor and the nodes); the pages say them in words.
 */
class ReportsSpeakPlainWordsTest {

    /** A record's, a map's or a list's {@code toString}. */
    static final List<Pattern> LEAKS = List.of(
            Pattern.compile("\\b[A-Z][A-Za-z0-9]*\\[[a-z][A-Za-z0-9]*="), // MessageRule[action=DROP, ...]
            Pattern.compile("\\b[A-Z][A-Za-z0-9]*\\[\\]"), // Heal[]
            Pattern.compile("\\{[a-z][\\w-]*="), // {planned=2, ...}
            Pattern.compile("\\[\\]"), // an empty list
            Pattern.compile("\\[\\["), // nested lists: a partition's groups
            Pattern.compile("\\b(CREATE|DELETE|MOVE|FLAGS_ONLY|NO_OP): "), // KVM's change enum, raw
            Pattern.compile("\\{\""), // a JSON object
            Pattern.compile("Exception|java\\."));

    /** The reader's text of a page: without the stylesheet, markup and the scenario file's own YAML. */
    static String readerText(String html) {
        String body = html.substring(html.indexOf("</style>"));
        body = body.replaceAll("(?s)<details>.*?</details>", " ");
        body = body.replaceAll("(?s)<script>.*?</script>", " "); // the diagram's paging code is not read
        return body.replaceAll("<[^>]+>", "\n")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    /** Every line of {@code text} that has a Java spelling, with what matched. */
    static List<String> leaks(String text) {
        List<String> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            for (Pattern p : LEAKS) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    found.add(m.group() + "  in: " + line.strip());
                }
            }
        }
        return found;
    }

    static final String RESULT = """
            {
              "scenario" : "thousand-runs/cell-18", "seed" : 7, "nodes" : "embedded", "verdict" : "incomplete",
              "mappings" : [
                { "buffer" : "b0", "who" : "guest", "type" : "unknown",
                  "why" : "DOMAIN 1.5 [U]: host WB x guest WB is not verified (APM table 15-19)" },
                { "buffer" : "b0", "who" : "gpu", "snoop" : false } ],
              "hazards" : [ {
                "buffer" : "b0", "between" : [ "guest", "gpu" ], "types" : [ "WB", "dma (no snoop)" ],
                "kind" : "non-snooped-dma", "step" : 6,
                "witness" : "observed at step 6: guest write 0xab stayed in the CPU cache; gpu read 0x00" } ],
              "migration" : { "status" : "completed",
                "reason" : "GPU process saved 1 blob(s) as GPU state: [b0] (DOMAIN 9 option 7)" },
              "steps" : [
                { "n" : 3, "kind" : "map-blob", "ok" : true, "errno" : "0", "node" : "kvm-node",
                  "detail" : "CREATE: DOMAIN 3.2 step 7: creates slot 0:10 gpa 0x100000000+0x200000 hva 0x7f0000000000 []" },
                { "n" : 4, "kind" : "set-memory-region", "ok" : false, "errno" : "EINVAL", "node" : "kvm-node",
                  "detail" : "EINVAL: DOMAIN rule 19 (3.2 step 10): KVM_SET_USER_MEMORY_REGION accepts only [log-dirty-pages, readonly], got [0x10]" },
                { "n" : 9, "kind" : "unmap-blob", "ok" : true, "errno" : "0", "node" : "kvm-node",
                  "detail" : "DELETE: DOMAIN rule 22: deletes slot 10" } ],
              "expect" : { "held" : null, "failures" : [ ] },
              "faults" : { "planned" : 5, "injected" : 5, "heal" : 1, "kill" : 1, "messages" : 1, "partition" : 1,
                "restart" : 1, "messages_drop" : 2 },
              "nodes_lost" : [ "qemu-node" ],
              "complete" : false,
              "incomplete" : "the monitor could not observe every event: [Gap[node=qemu-node, incarnation=10, missing=[1]]]",
              "notes" : [ "b0: guest/renderer: guest's type is unverified (DOMAIN 1.5 [U]: host WB x guest WB)" ],
              "truth" : { "verdict" : "hazard",
                "missed" : [ { "buffer" : "b0", "between" : [ "guest", "renderer" ], "types" : [ "WB", "WC" ],
                  "kind" : "memtype-alias", "step" : 4, "witness" : "w" } ],
                "false" : [ ] },
              "monitor" : { "events" : 9, "unobserved" : [ { "node" : "qemu-node", "incarnation" : 10, "missing" : [ 1, 2 ] } ] },
              "wall_ms" : 18224,
              "campaign" : { "name" : "thousand-runs", "cell" : "18-6.16-true-i915-shmem-wc", "run" : "r09",
                "random_faults" : { "messages" : 0.02, "kills" : 0.2, "partitions" : 0.2 },
                "fault_plan" : [
                  { "step" : 1, "messages" : [ { "action" : "drop", "probability" : 0.02 },
                                               { "action" : "delay", "probability" : 0.02, "ms" : 177 } ] },
                  { "step" : 2, "partition" : [ [ "monitor" ], [ "gpu-process-node", "kvm-node" ] ] },
                  { "step" : 3, "kill" : "qemu-node" }, { "step" : 4, "restart" : "qemu-node" },
                  { "step" : 7, "heal" : { } } ] }
            }
            """;

    static final String HISTORY = """
            {"node":"conductor","incarnation":1,"line":1,"lamport":0,"step":0,"wall":1,"kind":"setup","run":"t@1","seed":1}
            {"node":"conductor","incarnation":1,"line":2,"lamport":2,"step":1,"wall":2,"kind":"decide","detail":"inject Messages[rules=[MessageRule[action=DROP, from=, to=, kind=, count=0, probability=0.02, delayMs=0], MessageRule[action=DELAY, from=kvm-node, to=conductor, kind=, count=1, probability=1.0, delayMs=2500]]]"}
            {"node":"kvm-node","incarnation":1,"line":2,"lamport":3,"step":1,"wall":2,"kind":"arm","rules":2,"partition":"[]","heal":false}
            {"node":"conductor","incarnation":1,"line":3,"lamport":4,"step":2,"wall":3,"kind":"decide","detail":"inject Partition[groups=[[monitor], [gpu-process-node, kvm-node]]]"}
            {"node":"kvm-node","incarnation":1,"line":3,"lamport":5,"step":2,"wall":3,"kind":"arm","rules":0,"partition":"[[monitor], [gpu-process-node, kvm-node]]","heal":false}
            {"node":"kvm-node","incarnation":1,"line":4,"lamport":6,"step":3,"wall":4,"kind":"decide","detail":"CREATE: DOMAIN 3.2 step 7: creates slot 0:10 gpa 0x100000000+0x200000 hva 0x7f0000000000 [kvm-mem-dma]; RFC 3/3 registers non-coherent DMA for the whole VM (DOMAIN 4.1, rule 16)"}
            {"node":"conductor","incarnation":1,"line":4,"lamport":7,"step":3,"wall":5,"kind":"decide","detail":"inject Kill[node=qemu-node]"}
            {"node":"conductor","incarnation":1,"line":5,"lamport":8,"step":4,"wall":6,"kind":"decide","detail":"inject Restart[node=qemu-node]"}
            {"node":"monitor","incarnation":1,"line":2,"lamport":9,"step":5,"wall":6,"kind":"decide","detail":"asked kvm-node to resend [4, 5]"}
            {"node":"migration-node","incarnation":1,"line":2,"lamport":10,"step":7,"wall":7,"kind":"decide","detail":"blockers [], blobs to copy 0"}
            {"node":"qemu-node","incarnation":2,"line":2,"lamport":11,"step":7,"wall":7,"kind":"decide","detail":"dump-guest-memory read 1 blob slot(s) through QEMU's mapping; skipped kvm-only blobs [b1]"}
            {"node":"conductor","incarnation":1,"line":6,"lamport":12,"step":7,"wall":8,"kind":"decide","detail":"inject Heal[]"}
            """;

    @Test
    void aFaultyCampaignRunsReportSaysEverythingInWords(@TempDir Path dir) {
        write(dir.resolve("result.json"), RESULT);
        write(dir.resolve("history.jsonl"), HISTORY);
        write(dir.resolve("scenario.yaml"), "name: t\ndescription: d\nsteps: [{migrate: {}}]\n");

        assertThat(HtmlReport.write(dir)).isInstanceOf(HtmlReport.Written.class);
        String text = readerText(read(dir.resolve("report.html")));

        assertThat(leaks(text)).as("Java spellings in the report").isEmpty();
        assertThat(text)
                .contains("KVM created slot 0:10 (gpa 0x100000000, 2 MiB, hva 0x7f0000000000) - DOMAIN 3.2 step 7")
                .contains("KVM deleted slot 10 - DOMAIN rule 22")
                .contains(
                        "inject messages: drop 2% of the messages; delay the next 1 message from kvm-node to conductor by"
                                + " 2500 ms")
                .contains("inject partition monitor | gpu-process-node, kvm-node")
                .contains("armed 0 message rule(s), partition monitor | gpu-process-node, kvm-node")
                .contains("inject kill qemu-node", "inject restart qemu-node", "inject heal every partition")
                .contains("asked kvm-node to resend 4, 5", "blockers none, blobs to copy 0")
                .contains("the monitor could not observe every event: qemu-node (incarnation 10) event 1")
                .contains("could not observe: qemu-node (incarnation 10) events 1, 2")
                .contains("GPU process saved 1 blob(s) as GPU state: b0 (DOMAIN 9 option 7)")
                .contains("(b0 guest/renderer memtype-alias at step 4)")
                .contains("step 1: drop 2% of the messages; delay 2% of the messages by 177 ms")
                .contains("step 2: partition monitor | gpu-process-node, kvm-node", "step 7: heal every partition")
                .contains("messages drop 2")
                .contains("DOMAIN 1.5 [U]: host WB");
    }

    static final String CAMPAIGN = """
            {
              "campaign" : "thread-options-x-migration", "description" : "d", "spec" : "t.yaml",
              "base" : "thread/option-0-status-quo", "seed" : 1, "nodes" : "embedded", "parallel" : 2,
              "faults" : { "messages" : 0.02, "kills" : 0, "partitions" : 0, "runs_per_cell" : 1 },
              "complete" : true, "interrupted" : false, "runs_planned" : 2, "runs_done" : 2, "wall_ms" : 4200,
              "clusters" : { "formed" : 1, "restarts" : 1,
                "errors" : [ "campaign-worker-1: the monitor could not observe every event: [Gap[node=qemu-node, incarnation=2, missing=[3]]]" ] },
              "totals" : { "cells" : 1, "cells_run" : 1, "cells_skipped" : 0, "runs" : 1,
                "verdicts" : { "consistent" : 0, "benign-alias" : 0, "unknown" : 0, "hazard" : 1 },
                "missed" : 0, "false" : 0, "exit3" : 1, "cells_failed" : 1 },
              "cells" : [ {
                "cell" : "01-5.6", "index" : 1,
                "values" : { "platform.kvm" : "5.6",
                  "steps[3].map-blob" : { "buffer" : "b0", "gpa" : "0x100000000", "flags" : [ "kvm-mem-dma" ] } },
                "status" : "failed", "dir" : "runs/01-5.6",
                "oracle" : { "verdict" : "hazard", "hazards" : [ ], "complete" : true, "seed" : 5, "wall_ms" : 70,
                  "dir" : "runs/01-5.6/oracle" },
                "runs" : 1, "verdicts" : { "consistent" : 0, "benign-alias" : 0, "unknown" : 0, "hazard" : 1 },
                "hazards" : { "b0 guest/renderer memtype-alias" : 1 }, "missed" : 0, "false" : 0, "exit3" : 1,
                "mean_ms" : 80.5, "p99_ms" : 91,
                "failures" : [ { "run" : 1, "seed" : 7, "dir" : "runs/01-5.6/r01",
                  "why" : "exit 3: the monitor could not observe every event: [Gap[node=qemu-node, incarnation=10, missing=[1]]]" } ]
              } ],
              "exit_code" : 1
            }
            """;

    @Test
    void aCampaignReportSaysItsErrorsAndMatrixValuesInWords(@TempDir Path dir) {
        write(dir.resolve("campaign.json"), CAMPAIGN);

        assertThat(HtmlReport.write(dir)).isInstanceOf(HtmlReport.Written.class);
        String text = readerText(read(dir.resolve("report.html")));

        assertThat(leaks(text)).as("Java spellings in the report").isEmpty();
        assertThat(text)
                .contains("the monitor could not observe every event: qemu-node (incarnation 10) event 1")
                .contains("errors: campaign-worker-1: the monitor could not observe every event: qemu-node"
                        + " (incarnation 2) event 3")
                .contains("{buffer: b0, gpa: 0x100000000, flags: [kvm-mem-dma]}");
    }
}
