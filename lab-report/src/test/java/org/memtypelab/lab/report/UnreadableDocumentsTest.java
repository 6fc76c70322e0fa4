package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.lab.report.RunDirFixture.write;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A result.json or campaign.json the records cannot read is one line for the user, naming the file. */
class UnreadableDocumentsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} holding <{1}>")
    @CsvSource(
            delimiter = '|',
            value = {
                "result.json   | []",
                "result.json   | null",
                "result.json   | ''",
                "campaign.json | [1]",
                "campaign.json | null",
                "campaign.json | ''"
            })
    void aDocumentThatIsNotAJsonObjectIsRejected(String file, String text) {
        write(dir.resolve(file), text);

        assertThat(HtmlReport.write(dir))
                .isEqualTo(new HtmlReport.Rejected(dir + ": " + file + " is not a JSON object"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "result.json   | {\"seed\": 1,",
                "result.json   | {\"seed\": \"one\"}",
                "campaign.json | {\"cells\": [{\"cell\": ",
                "campaign.json | {\"cells\": {\"a\": 1}}"
            })
    void aBrokenOrMistypedDocumentIsRejectedOnOneLine(String file, String text) {
        write(dir.resolve(file), text);

        HtmlReport.Outcome outcome = HtmlReport.write(dir);

        assertThat(outcome).isInstanceOf(HtmlReport.Rejected.class);
        String reason = ((HtmlReport.Rejected) outcome).reason();
        assertThat(reason).startsWith(dir + ": ").doesNotContain("\n");
        assertThat(dir.resolve("report.html")).doesNotExist();
    }
}
