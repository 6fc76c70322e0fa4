package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memtypelab.documents.Documents;

class ExploreCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void jsonHasTheIssuesFieldsAndNoViolation() throws Exception {
        Run r = run("explore", "kernel/6-11-rc-self-snoop", "--max-faults", "0", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode doc = Documents.JSON.readTree(r.out());
        assertThat(doc.get("states").asLong()).isGreaterThan(1); // the oldest-first order and departures from it
        assertThat(doc.get("distinct").asLong()).isPositive();
        assertThat(doc.get("max_depth").asInt()).isPositive();
        assertThat(doc.get("ms").isIntegralNumber()).isTrue();
        assertThat(doc.get("violations").isArray()).isTrue();
        assertThat(doc.get("violations")).isEmpty();
    }

    @Test
    void badInputIsExitTwoInPlainWords(@TempDir Path tmp) throws Exception {
        Run none = run("explore");
        assertThat(none.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(none.err()).contains("name a SCENARIO to explore, or --replay FILE");

        Run k = run("explore", "thread/option-0-status-quo", "--max-faults", "9");
        assertThat(k.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(k.err().strip()).isEqualTo("memtype-lab explore: --max-faults must be 0 to 3, got 9");

        Run unknown = run("explore", "no/such-scenario");
        assertThat(unknown.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unknown.err()).contains("no/such-scenario").doesNotContain("Exception");

        Path notViolation = tmp.resolve("x.json");
        Files.writeString(notViolation, "{\"a\": 1}");
        Run replay = run("explore", "--replay", notViolation.toString());
        assertThat(replay.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(replay.err()).contains("lacks scenario_yaml, placements or choices");
        assertThat(replay.out()).isEmpty();
    }
}
