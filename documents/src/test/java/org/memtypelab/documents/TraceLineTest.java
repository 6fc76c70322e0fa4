package org.memtypelab.documents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.coherency.Mapping;
import org.memtypelab.core.coherency.MappingType;
import org.memtypelab.core.coherency.Observation;
import org.memtypelab.core.coherency.Who;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** Trace lines as the files hold them: one type writes and reads them, with the kind's name and fields. */
class TraceLineTest {

    private static final TraceLine.Envelope AT = new TraceLine.Envelope("kvm-node", 2, 7, 41, 3, 1_700_000_000_000L);

    static Stream<TraceLine> everyKind() {
        Observation guestMaps = new Observation.MappingSet(
                new Mapping("b0", Who.GUEST, new MappingType.Guest(MemType.WB, new Ept.Entry(MemType.WB, true)), true));
        return Stream.of(
                new TraceLine.Setup(AT, "run-1", 42),
                new TraceLine.Recv(AT, "guest-map b0", "conductor"),
                new TraceLine.Stale(AT, "guest-map b0", "run-0"),
                new TraceLine.Duplicate(AT, "guest-map b0", 2),
                new TraceLine.Send(AT, "start-dirty-log b0"),
                new TraceLine.Decide(AT, "EPT WB +IPAT"),
                new TraceLine.Event(AT, 5, guestMaps),
                new TraceLine.Arm(AT, 1, "[[kvm-node], [monitor]]", false),
                new TraceLine.Fault(AT, "drop", "monitor", "Observed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKind")
    void everyKindReadsBackAsWritten(TraceLine line) throws Exception {
        String json = Documents.JSON.writeValueAsString(line);

        assertThat(Documents.JSON.readValue(json, TraceLine.class)).isEqualTo(line);
        JsonNode tree = Documents.JSON.readTree(json);
        assertThat(tree.path("kind").asText()).isEqualTo(line.kind());
        assertThat(tree.path("node").asText()).isEqualTo("kvm-node");
        assertThat(tree.path("lamport").asLong()).isEqualTo(41);
    }

    @Test
    void theFileFormatKeepsItsFieldNames() throws Exception {
        JsonNode event = Documents.JSON.readTree(Documents.JSON.writeValueAsString(everyKind()
                .filter(l -> l instanceof TraceLine.Event)
                .findFirst()
                .orElseThrow()));

        assertThat(event.path("kind").asText()).isEqualTo("event");
        assertThat(event.path("seq").asLong()).isEqualTo(5);
        assertThat(event.path("observation").path("obs").asText()).isEqualTo("mapping-set");
        assertThat(event.path("observation")
                        .path("mapping")
                        .path("type")
                        .path("as")
                        .asText())
                .isEqualTo("guest");
    }

    @Test
    void aLineCutByAKillIsSkippedAndTheHistoryIsInCausalOrder(@TempDir Path dir) throws Exception {
        TraceLine late = new TraceLine.Send(new TraceLine.Envelope("kvm-node", 1, 2, 9, 1, 5), "late");
        TraceLine early = new TraceLine.Send(new TraceLine.Envelope("qemu-node", 1, 1, 3, 1, 9), "early");
        TraceLine tie = new TraceLine.Send(new TraceLine.Envelope("conductor", 1, 4, 9, 1, 1), "tie");
        Files.write(
                dir.resolve("trace-kvm-node.jsonl"),
                List.of(Documents.JSON.writeValueAsString(late), "{\"node\":\"kvm-node\",\"incar"),
                StandardCharsets.UTF_8);
        Files.write(
                dir.resolve("trace-qemu-node.jsonl"),
                List.of(Documents.JSON.writeValueAsString(early)),
                StandardCharsets.UTF_8);
        Files.write(
                dir.resolve("trace-conductor.jsonl"),
                List.of(Documents.JSON.writeValueAsString(tie)),
                StandardCharsets.UTF_8);

        assertThat(RunFiles.mergeHistory(dir)).isEqualTo(3);

        assertThat(RunFiles.lines(dir.resolve("history.jsonl"))).containsExactly(early, tie, late);
    }
}
