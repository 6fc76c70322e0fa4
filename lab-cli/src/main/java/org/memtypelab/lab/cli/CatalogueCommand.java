package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code catalogue}: the bundled scenarios with one-line summaries. */
@Command(name = "catalogue", mixinStandardHelpOptions = true, description = "List the bundled scenarios.")
final class CatalogueCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var entries = ScenarioCatalogue.bundled().list();
        int width = entries.stream().mapToInt(e -> e.name().length()).max().orElse(10);
        for (var e : entries) {
            out.printf("%-" + width + "s  %s%n", e.name(), summary(e.description()));
        }
        out.flush();
        return 0;
    }

    /** The description's first sentence, cut at a word boundary to keep one line per scenario. */
    static String summary(String description) {
        String first = description.split("(?<=[.:])\\s", 2)[0];
        if (first.length() <= 100) {
            return first;
        }
        int cut = first.lastIndexOf(' ', 97);
        return first.substring(0, cut > 0 ? cut : 97) + " ...";
    }
}
