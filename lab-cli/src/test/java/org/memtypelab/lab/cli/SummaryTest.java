package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.core.coherency.CoherencyLedger;
import org.memtypelab.documents.RunResult;

/** The console summary of a run says everything in words: no record, map or list {@code toString}. */
class SummaryTest {

    /** A record's, a map's or a list's {@code toString}, or KVM's change enum as the node recorded it. */
    static final List<Pattern> LEAKS = List.of(
            Pattern.compile("\\b[A-Z][A-Za-z0-9]*\\[[a-z][A-Za-z0-9]*="),
            Pattern.compile("\\b[A-Z][A-Za-z0-9]*\\[\\]"),
            Pattern.compile("\\{[a-z][\\w-]*="),
            Pattern.compile("\\[\\]"),
            Pattern.compile("\\[\\["),
            Pattern.compile("\\[[a-z-]+, [a-z-]+\\]"), // [guest, renderer]
            Pattern.compile("\\b(CREATE|DELETE|MOVE|FLAGS_ONLY|NO_OP): "),
            Pattern.compile(" -> [0-9A-Z]+: "), // "map-blob -> 0: "
            Pattern.compile("\\b[a-z]+=(true|false)\\b"), // snoop=false
            Pattern.compile("Exception|java\\."));

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

    /** What the nodes recorded in faulty runs (faults/late-reply, a campaign run that ended with exit 3). */
    static RunResult faultyRun() {
        RunResult.HazardEntry alias = new RunResult.HazardEntry(
                "b0",
                List.of("guest", "renderer"),
                List.of("WB", "WC"),
                "memtype-alias",
                4,
                "guest write 0xab stayed in the CPU cache; renderer read 0x00");
        RunResult.HazardEntry dma = new RunResult.HazardEntry(
                "b0",
                List.of("guest", "gpu"),
                List.of("WB", "dma (no snoop)"),
                "non-snooped-dma",
                6,
                "observed at step 6: guest write 0xab stayed in the CPU cache; gpu read 0x00");
        return new RunResult(
                "faults/late-reply",
                1,
                "embedded",
                "incomplete",
                List.of(
                        new RunResult.MappingEntry("b0", "renderer", null, "WC", null, null, null),
                        new RunResult.MappingEntry(
                                "b0", "guest", null, "WB", new RunResult.EptEntry("WB", true), null, null),
                        new RunResult.MappingEntry("b0", "gpu", false, null, null, null, null)),
                List.of(alias, dma),
                new RunResult.MigrationEntry(
                        "completed", "GPU process saved 1 blob(s) as GPU state: [b0] (DOMAIN 9 option 7)"),
                List.of(
                        new RunResult.StepEntry(
                                3,
                                "map-blob",
                                true,
                                "0",
                                "kvm-node",
                                "CREATE: DOMAIN 3.2 step 7: creates slot 0:10 gpa 0x100000000+0x200000 hva"
                                        + " 0x7f0000000000 []"),
                        new RunResult.StepEntry(
                                4,
                                "set-memory-region",
                                false,
                                "EINVAL",
                                "kvm-node",
                                "EINVAL: DOMAIN rule 19 (3.2 step 10): KVM_SET_USER_MEMORY_REGION accepts only"
                                        + " [log-dirty-pages, readonly], got [0x10]"),
                        new RunResult.StepEntry(6, "gpu-read", false, null, "gpu-process-node", "no buffer b0")),
                new RunResult.ExpectEntry(null, List.of()),
                new RunResult.FaultCounts(2, 2, Map.of("messages", 1, "messages_drop", 1)),
                List.of("qemu-node"),
                false,
                "the monitor could not observe every event: [Gap[node=qemu-node, incarnation=10, missing=[1]]]",
                List.of(),
                null,
                new RunResult.MonitorEntry(9, List.of(new CoherencyLedger.Gap("qemu-node", 10, List.of(1L)))),
                4146,
                null);
    }

    @Test
    void aFaultyRunsSummaryIsInWords() {
        String summary = Summary.render(faultyRun(), "runs/x");

        assertThat(leaks(summary)).as("Java spellings in:%n%s", summary).isEmpty();
        assertThat(summary)
                .contains("  mapping  b0 gpu: dma, no snoop\n")
                .contains("  HAZARD   b0 memtype-alias at step 4: guest WB, renderer WC\n")
                .contains("  HAZARD   b0 non-snooped-dma at step 6: guest WB, gpu dma (no snoop)\n")
                .contains("  step 3 map-blob: KVM created slot 0:10 (gpa 0x100000000, 2 MiB, hva 0x7f0000000000)"
                        + " - DOMAIN 3.2 step 7\n")
                .contains("  step 4 set-memory-region failed: EINVAL: KVM_SET_USER_MEMORY_REGION accepts only"
                        + " (log-dirty-pages, readonly), got 0x10 - DOMAIN rule 19 (3.2 step 10)\n")
                .contains("  step 6 gpu-read failed: no buffer b0\n")
                .contains("migration completed: GPU process saved 1 blob(s) as GPU state: b0 (DOMAIN 9 option 7)\n")
                .contains("faults    2 planned, 2 injected (messages 1, messages drop 1)\n")
                .contains("INCOMPLETE the monitor could not observe every event: qemu-node (incarnation 10) event 1\n");
    }

    /** A real faulty run: its console summary and its report.html say everything in words. */
    @Test
    void aLateReplyRunsConsoleAndReportAreInWords(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("run", "faults/late-reply", "--out", dir.toString());

        assertThat(code).as("stderr: %s", err).isZero();
        String summary = out.toString();
        assertThat(leaks(summary)).as("Java spellings in:%n%s", summary).isEmpty();
        assertThat(summary)
                .contains("step 3 map-blob: KVM created slot 0:10 (gpa 0x100000000, 2 MiB, hva 0x7f0000000000)"
                        + " - DOMAIN 3.2 step 7")
                .contains("HAZARD   b0 memtype-alias at step 4: guest WB, renderer WC");

        String html = Files.readString(dir.resolve("report.html"));
        String text = html.substring(html.indexOf("</style>"))
                .replaceAll("(?s)<details>.*?</details>", " ")
                .replaceAll("<[^>]+>", "\n")
                .replace("&gt;", ">")
                .replace("&lt;", "<")
                .replace("&amp;", "&");
        assertThat(leaks(text)).as("Java spellings in report.html").isEmpty();
        // the injected fault, as the timeline shows it
        assertThat(text).contains("delay the next 1 message from kvm-node to conductor by 2500 ms");
    }
}
