package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.lab.campaign.CampaignCatalogue;
import org.memtypelab.lab.campaign.CampaignLoad;
import org.memtypelab.lab.campaign.CampaignLoader;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Scenario;
import org.memtypelab.lab.scenario.ScenarioCatalogue;

/** {@code catalogue}: every bundled scenario with its expected verdict and whole description, then the campaigns. */
class CatalogueCommandTest {

    static int code;
    static String out;
    static String err;
    static List<String> lines;

    @BeforeAll
    static void listTheCatalogue() {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        code = Main.commandLine(new PrintWriter(o, true), new PrintWriter(e, true))
                .execute("catalogue");
        out = o.toString();
        err = e.toString();
        lines = out.lines().toList();
    }

    static Scenario scenario(String name) {
        return ((LoadResult.Loaded)
                        ScenarioCatalogue.bundled().loadBundled(name).orElseThrow())
                .scenario();
    }

    /** The one line that lists {@code name} (the name, then two spaces). */
    static String lineOf(String name) {
        List<String> found =
                lines.stream().filter(l -> l.startsWith(name + " ")).toList();
        assertThat(found).as("lines listing %s", name).hasSize(1);
        return found.get(0);
    }

    @Test
    void succeedsQuietly() {
        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(err).isEmpty();
    }

    @Test
    void everyScenarioHasOneLineWithItsVerdictAndItsWholeDescription() {
        for (String name : ScenarioCatalogue.bundled().names()) {
            Scenario s = scenario(name);
            String verdict = s.expect().verdict().map(v -> v.label()).orElse("-");
            String description = s.description().strip().replaceAll("\\s+", " ");
            assertThat(lineOf(name).replaceAll("\\s+", " "))
                    .as(name)
                    .isEqualTo(name + " " + verdict + " " + description);
        }
    }

    @Test
    void aDescriptionIsNotCutAtItsFirstColonNorAtOneHundredCharacters() {
        String description = scenario("thread/option-0-status-quo").description();
        assertThat(description).contains(": ").hasSizeGreaterThan(100);

        assertThat(lineOf("thread/option-0-status-quo")).endsWith(description.strip());
        assertThat(lineOf("faults/late-reply"))
                .contains("the conductor sends the guest-write again, kvm-node recognises the repeat and answers"
                        + " without writing twice.");
    }

    @Test
    void theVerdictColumnSaysWhatTheExpectStatesOrADash() {
        assertThat(lineOf("thread/option-0-status-quo")).matches("thread/option-0-status-quo +hazard +\\S.*");
        assertThat(lineOf("thread/option-2-honor-guest-pat"))
                .matches("thread/option-2-honor-guest-pat +consistent +\\S.*");
        assertThat(lineOf("platform/amd-unverified-wb")).matches("platform/amd-unverified-wb +unknown +\\S.*");
        assertThat(lineOf("platform/vram-bar-guest-wb")).matches("platform/vram-bar-guest-wb +benign-alias +\\S.*");
        // expects only errno answers, no verdict
        assertThat(lineOf("memslot/509-slots-before-5-12")).matches("memslot/509-slots-before-5-12 +- +\\S.*");
    }

    @Test
    void columnsAreNameVerdictDescriptionUnderAHeader() {
        assertThat(lines.get(0)).matches("scenarios +verdict +description");
        int verdictColumn = lines.get(0).indexOf("verdict");
        int descriptionColumn = lines.get(0).indexOf("description");
        String line = lineOf("examples/amdgpu-uswc-status-quo");
        assertThat(line.indexOf("hazard")).isEqualTo(verdictColumn);
        assertThat(line.substring(descriptionColumn)).startsWith("Guest maps a USWC GTT buffer WC");
    }

    @Test
    void theBundledCampaignsFollowInTheirOwnSection() {
        int header = lines.indexOf(lines.stream()
                .filter(l -> l.matches("campaigns +description"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no campaigns section in:\n" + out)));
        assertThat(lines.get(header - 1)).as("a blank line before the section").isBlank();
        List<String> names = CampaignCatalogue.bundled().names();
        assertThat(names).isNotEmpty();
        assertThat(lines.subList(header + 1, lines.size())).hasSize(names.size());
        for (String name : names) {
            String description = ((CampaignLoad.Ready) CampaignLoader.load(name))
                    .campaign()
                    .spec()
                    .description();
            assertThat(lines.subList(header + 1, lines.size()))
                    .as(name)
                    .anySatisfy(l -> assertThat(l.replaceAll("\\s+", " "))
                            .isEqualTo(name + " " + description.strip().replaceAll("\\s+", " ")));
        }
    }

    @Test
    void noLineListsTheWholeCatalogue() {
        List<String> names = ScenarioCatalogue.bundled().names();
        for (String line : lines) {
            long named = names.stream().filter(line::contains).count();
            // a description may mention a related scenario; nothing lists them all on one line any more
            assertThat(named).as("scenario names in: %s", line).isLessThanOrEqualTo(3);
        }
        assertThat(lines)
                .hasSize(1
                        + names.size()
                        + 1
                        + 1
                        + CampaignCatalogue.bundled().names().size());
    }
}
