package org.memtypelab.lab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.memtypelab.lab.report.HtmlReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code report DIR}: (re)builds DIR/report.html from a run or a campaign directory (SCENARIOS.md "Commands"). */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "(Re)build DIR/report.html from a run directory (result.json, history.jsonl) or a campaign"
                + " directory (campaign.json, runs/); for a campaign every run gets its own report.html too."
                + " Prints the path written.")
final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A run or campaign directory.")
    Path dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HtmlReport.Outcome outcome = HtmlReport.write(dir);
        if (outcome instanceof HtmlReport.Rejected r) {
            err.println("memtype-lab report: " + r.reason());
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        out.println(((HtmlReport.Written) outcome).file());
        out.flush();
        return 0;
    }
}
