package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.documents.Documents;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.w3c.dom.Document;

/** {@code run} with several scenarios, a folder, --json, --junit and --watch, on real embedded clusters. */
class RunCommandTest {

    static final String HOLDS =
            ScenarioCatalogue.bundled().text("kernel/6-11-rc-self-snoop").orElseThrow();
    /** The same run with an expectation that cannot hold: exit 1. */
    static final String FAILS = HOLDS.replace("name: kernel/6-11-rc-self-snoop", "name: mine/wrong-expect")
            .replace("verdict: consistent", "verdict: hazard");

    /** A console that counts how often each marker was written, so a test can wait for the n-th. */
    static final class Console extends PrintWriter {
        final StringWriter text;
        private final java.util.Map<String, List<CountDownLatch>> seen = new java.util.HashMap<>();
        private final java.util.Map<String, Integer> counts = new java.util.HashMap<>();

        Console(StringWriter text, String... markers) {
            super(text, true);
            this.text = text;
            for (String m : markers) {
                seen.put(
                        m,
                        java.util.stream.IntStream.range(0, 5)
                                .mapToObj(i -> new CountDownLatch(1))
                                .toList());
            }
        }

        @Override
        public synchronized void write(String s, int off, int len) {
            super.write(s, off, len);
            String part = s.substring(off, off + len);
            seen.forEach((marker, latches) -> {
                for (int i = part.indexOf(marker); i >= 0; i = part.indexOf(marker, i + 1)) {
                    int n = counts.merge(marker, 1, Integer::sum);
                    if (n <= latches.size()) {
                        latches.get(n - 1).countDown();
                    }
                }
            });
        }

        boolean await(String marker, int nth) throws InterruptedException {
            return seen.get(marker).get(nth - 1).await(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBadFileAmongSeveralStopsEverythingBeforeAnythingStarts(@TempDir Path tmp) throws Exception {
        Path good = Files.writeString(tmp.resolve("good.yaml"), HOLDS);
        Path bad =
                Files.writeString(tmp.resolve("bad.yaml"), HOLDS.replace("placement: shmem-wc", "placement: nowhere"));
        Path out = tmp.resolve("out");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();

        int code = Main.commandLine(new PrintWriter(o), new PrintWriter(e))
                .execute("run", good.toString(), bad.toString(), "--out", out.toString());

        assertThat(code).isEqualTo(2);
        assertThat(e.toString()).contains(bad + ":").contains("nowhere").doesNotContain("Exception");
        assertThat(out).doesNotExist();
        assertThat(o.toString()).isEmpty();
    }

    @Test
    void aFolderPlaysOnOneClusterWithOneDirectoryPerScenarioAndTheWorstExitCode(@TempDir Path tmp) throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(folder.resolve("a.yaml"), HOLDS);
        Files.writeString(folder.resolve("b.yaml"), FAILS);
        Files.writeString(folder.resolve("notes.txt"), "not a scenario");
        Path out = tmp.resolve("out");
        Path junit = tmp.resolve("reports/TEST-memtype-lab.xml");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();

        int code = Main.commandLine(new PrintWriter(o), new PrintWriter(e))
                .execute("run", folder.toString(), "--out", out.toString(), "--json", "--junit", junit.toString());

        assertThat(code).as(e.toString()).isEqualTo(1);
        List<String> lines = o.toString().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = Documents.JSON.readTree(lines.get(0));
        JsonNode second = Documents.JSON.readTree(lines.get(1));
        assertThat(first.get("scenario").asText()).isEqualTo("kernel/6-11-rc-self-snoop");
        assertThat(first.get("expect").get("held").asBoolean()).isTrue();
        assertThat(second.get("scenario").asText()).isEqualTo("mine/wrong-expect");
        assertThat(second.get("expect").get("held").asBoolean()).isFalse();
        assertThat(out.resolve("kernel-6-11-rc-self-snoop/result.json")).isRegularFile();
        assertThat(out.resolve("mine-wrong-expect/result.json")).isRegularFile();
        assertThat(out.resolve("mine-wrong-expect/report.html")).isRegularFile();

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertThat(xml.getDocumentElement().getAttribute("tests")).isEqualTo("2");
        assertThat(xml.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(xml.getDocumentElement().getAttribute("errors")).isEqualTo("0");
        var cases = xml.getElementsByTagName("testcase");
        assertThat(cases.item(1).getAttributes().getNamedItem("name").getNodeValue())
                .isEqualTo("mine/wrong-expect");
        assertThat(cases.item(1).getTextContent())
                .contains("expect did not hold")
                .contains("hazard");
    }

    @Test
    void watchPlaysTheFileAgainWhenItIsSavedAndSaysWhyWhenItDoesNotLoad(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("mine.yaml"), HOLDS);
        Path out = tmp.resolve("out");
        Console o = new Console(new StringWriter(), "files     ");
        Console e = new Console(new StringWriter(), "memtype-lab: watching", "not played");
        AtomicInteger code = new AtomicInteger(-1);
        Thread watching = new Thread(() ->
                code.set(Main.commandLine(o, e).execute("run", file.toString(), "--watch", "--out", out.toString())));
        watching.start();
        try {
            assertThat(o.await("files     ", 1)).as(e.text.toString()).isTrue();
            assertThat(e.await("memtype-lab: watching", 1)).isTrue();

            Files.writeString(file, HOLDS.replace("placement: shmem-wc", "placement: nowhere"));
            assertThat(e.await("not played", 1)).isTrue();
            assertThat(e.text.toString()).contains(file + ":").contains("nowhere");

            Files.writeString(file, FAILS);
            assertThat(o.await("files     ", 2)).as(e.text.toString()).isTrue();
            assertThat(e.await("memtype-lab: watching", 2)).isTrue();
        } finally {
            watching.interrupt();
            watching.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(watching.isAlive()).isFalse();
        assertThat(out.resolve("mine-wrong-expect")).doesNotExist();
        assertThat(out.resolve("kernel-6-11-rc-self-snoop/1/result.json")).isRegularFile();
        assertThat(Documents.JSON
                        .readTree(out.resolve("kernel-6-11-rc-self-snoop/2/result.json")
                                .toFile())
                        .get("scenario")
                        .asText())
                .isEqualTo("mine/wrong-expect");
        assertThat(code.get()).isEqualTo(1);
    }
}
