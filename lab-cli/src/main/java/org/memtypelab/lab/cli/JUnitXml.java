package org.memtypelab.lab.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.memtypelab.lab.campaign.CampaignResult;
import org.memtypelab.lab.campaign.Cell;
import org.memtypelab.lab.campaign.CellResult;

/**
 * JUnit XML (the Ant/Surefire {@code testsuite} form CI systems read) for {@code run --junit} and
 * {@code campaign --junit}: one test case per run or campaign cell, a {@code failure} when an expectation or the
 * oracle comparison did not hold, an {@code error} when it could not be decided (exit 3).
 */
final class JUnitXml {

    /**
     * One test case.
     *
     * @param failure why it failed (null: it did not)
     * @param error why it could not be decided (null: it could)
     * @param out what a reader wants beside it (verdict, run directory)
     */
    record Case(String classname, String name, long millis, String failure, String error, String skipped, String out) {}

    private JUnitXml() {}

    /** Writes {@code cases} as one test suite to {@code file} (through a temporary file, so no reader sees half). */
    static void write(Path file, String suite, List<Case> cases) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".junit", ".xml");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(os, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", suite);
            x.writeAttribute("tests", Integer.toString(cases.size()));
            x.writeAttribute(
                    "failures",
                    Long.toString(
                            cases.stream().filter(c -> c.failure() != null).count()));
            x.writeAttribute(
                    "errors",
                    Long.toString(cases.stream().filter(c -> c.error() != null).count()));
            x.writeAttribute(
                    "skipped",
                    Long.toString(
                            cases.stream().filter(c -> c.skipped() != null).count()));
            x.writeAttribute(
                    "time", seconds(cases.stream().mapToLong(Case::millis).sum()));
            x.writeCharacters("\n");
            for (Case c : cases) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", c.classname());
                x.writeAttribute("name", c.name());
                x.writeAttribute("time", seconds(c.millis()));
                if (c.failure() != null) {
                    element(x, "failure", firstLine(c.failure()), c.failure());
                }
                if (c.error() != null) {
                    element(x, "error", firstLine(c.error()), c.error());
                }
                if (c.skipped() != null) {
                    x.writeEmptyElement("skipped");
                    x.writeAttribute("message", c.skipped());
                }
                if (c.out() != null) {
                    x.writeStartElement("system-out");
                    x.writeCharacters(c.out());
                    x.writeEndElement();
                }
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write JUnit XML to " + file + ": " + e.getMessage(), e);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Each run of {@code run} as a test case named after its scenario. */
    static void writeRuns(Path file, String suite, List<RunCommand.Played> played) throws IOException {
        List<Case> cases = played.stream()
                .map(p -> {
                    String name = p.result().scenario();
                    int slash = name.lastIndexOf('/');
                    String failure = p.exit() == RunCommand.EXPECT_FAILED
                            ? "expect did not hold:\n"
                                    + String.join("\n", p.result().expect().failures())
                            : null;
                    String error = p.exit() == RunCommand.INCOMPLETE
                            ? "incomplete: " + p.result().incomplete()
                            : null;
                    return new Case(
                            slash < 0 ? "scenarios" : name.substring(0, slash),
                            name,
                            p.result().wallMs(),
                            failure,
                            error,
                            null,
                            "verdict " + p.result().verdict() + "\nrun directory " + p.dir() + "\n");
                })
                .toList();
        write(file, suite, cases);
    }

    /** Each cell of a campaign as a test case: failed when it makes the campaign fail, skipped when not playable. */
    static void writeCampaign(Path file, CampaignResult result, Path dir) throws IOException {
        String suite = result.campaign().spec().name();
        List<Case> cases = new java.util.ArrayList<>();
        for (CellResult c : result.cells()) {
            String out = "runs " + c.runs().size() + ", exit-3 " + c.exit3() + ", directory "
                    + dir.resolve(org.memtypelab.lab.campaign.CampaignDocument.cellDir(c.cell())) + "\n";
            long millis = c.runs().stream().mapToLong(r -> r.wallMillis()).sum()
                    + c.oracle().map(o -> o.wallMillis()).orElse(0L);
            if (c.cell() instanceof Cell.Skipped s) {
                cases.add(new Case(suite, c.cell().id(), 0, null, null, s.reason(), null));
                continue;
            }
            String error = c.oracle().isEmpty() ? "not played: the campaign was interrupted first" : null;
            List<String> why = new java.util.ArrayList<>();
            c.oracle().filter(o -> !o.complete()).ifPresent(o -> why.add("oracle run incomplete: " + o.incomplete()));
            c.missed().forEach(m -> why.add(m.run().dir() + ": missed " + m.hazard()));
            c.falseHazards().forEach(m -> why.add(m.run().dir() + ": false " + m.hazard()));
            c.truthMismatches().forEach(m -> why.add(m.run().dir() + ": monitor vs traces " + m.hazard()));
            String failure = c.failed() ? String.join("\n", why) : null;
            cases.add(new Case(suite, c.cell().id(), millis, failure, error, null, out));
        }
        write(file, "memtype-lab campaign " + suite, cases);
    }

    private static void element(XMLStreamWriter x, String name, String message, String text) throws XMLStreamException {
        x.writeStartElement(name);
        x.writeAttribute("message", message);
        x.writeCharacters(text);
        x.writeEndElement();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
