package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.memtypelab.core.coherency.Verdict;
import org.memtypelab.lab.campaign.CampaignCatalogue;
import org.memtypelab.lab.scenario.Bundled;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.YamlTree;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code catalogue}: the bundled scenarios with the verdict each expects, and the bundled campaigns. */
@Command(
        name = "catalogue",
        mixinStandardHelpOptions = true,
        description = "List the bundled scenarios (name, the verdict its `expect` states, description) and the"
                + " bundled campaigns (name, description); `run NAME` and `campaign NAME` play them.")
final class CatalogueCommand implements Callable<Integer> {

    /** What the verdict column shows for a scenario that expects no verdict. */
    static final String NO_VERDICT = "-";

    /** One row: a name, the scenario's expected verdict (empty for a campaign), and the whole description. */
    record Row(String name, String verdict, String description) {}

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(render(scenarios(), campaigns()));
        out.flush();
        return 0;
    }

    /** Two sections, each headed by its column names; one line per entry, descriptions whole. */
    static String render(List<Row> scenarios, List<Row> campaigns) {
        int name = "campaigns".length();
        for (Row r : scenarios) {
            name = Math.max(name, r.name().length());
        }
        for (Row r : campaigns) {
            name = Math.max(name, r.name().length());
        }
        int verdict = "verdict".length();
        for (Row r : scenarios) {
            verdict = Math.max(verdict, r.verdict().length());
        }
        String scenarioRow = "%-" + name + "s  %-" + verdict + "s  %s%n";
        String campaignRow = "%-" + name + "s  %s%n";
        StringBuilder b = new StringBuilder();
        b.append(String.format(scenarioRow, "scenarios", "verdict", "description"));
        scenarios.forEach(r -> b.append(String.format(scenarioRow, r.name(), r.verdict(), r.description())));
        b.append(System.lineSeparator());
        b.append(String.format(campaignRow, "campaigns", "description"));
        campaigns.forEach(r -> b.append(String.format(campaignRow, r.name(), r.description())));
        return b.toString();
    }

    /** Every bundled scenario in index order; one that does not load says so in its description. */
    static List<Row> scenarios() {
        ScenarioCatalogue catalogue = ScenarioCatalogue.bundled();
        List<Row> rows = new ArrayList<>();
        for (String name : catalogue.names()) {
            Optional<LoadResult> r = catalogue.loadBundled(name);
            if (r.isEmpty()) {
                rows.add(new Row(name, NO_VERDICT, "(listed in the index, but not bundled)"));
            } else if (r.get() instanceof LoadResult.Loaded l) {
                String verdict =
                        l.scenario().expect().verdict().map(Verdict::label).orElse(NO_VERDICT);
                rows.add(new Row(name, verdict, oneLine(l.scenario().description())));
            } else {
                rows.add(new Row(name, NO_VERDICT, "(invalid: " + r.get() + ")"));
            }
        }
        return rows;
    }

    /** Every bundled campaign spec in index order, with the {@code description} of its file. */
    static List<Row> campaigns() {
        Bundled specs = new Bundled(CampaignCatalogue.class.getClassLoader(), CampaignCatalogue.ROOT);
        List<Row> rows = new ArrayList<>();
        for (String name : specs.names()) {
            rows.add(new Row(
                    name,
                    "",
                    specs.text(name).map(CatalogueCommand::description).orElse("(not bundled)")));
        }
        return rows;
    }

    private static String description(String yaml) {
        try {
            Optional<YamlTree.Node> doc = YamlTree.parse(yaml);
            if (doc.isPresent()
                    && doc.get() instanceof YamlTree.MapNode map
                    && map.get("description").map(YamlTree.Entry::value).orElse(null) instanceof YamlTree.Scalar s) {
                return oneLine(s.text());
            }
            return "";
        } catch (RuntimeException e) {
            return "(invalid: " + e.getMessage() + ")";
        }
    }

    /** A description on one line: line breaks of a block scalar become spaces; nothing is cut. */
    static String oneLine(String description) {
        return description.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
