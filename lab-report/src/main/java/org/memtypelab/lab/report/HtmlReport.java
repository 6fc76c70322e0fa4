package org.memtypelab.lab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.memtypelab.documents.CampaignFiles;
import org.memtypelab.documents.CampaignSummary;
import org.memtypelab.documents.RunFiles;
import org.memtypelab.documents.RunResult;

/**
 * Writes {@code report.html} into a run directory (result.json, history.jsonl, scenario.yaml) or a campaign
 * directory (campaign.json and {@code runs/<cell>/<run>/}); for a campaign, every run directory gets its own
 * report too, and the campaign's matrix links to them. Each page is one self-contained HTML file.
 */
public final class HtmlReport {

    /** What {@link #write} did. */
    public sealed interface Outcome permits Written, Rejected {}

    /**
     * The report was written.
     *
     * @param runReports run pages written along with it (1 for a run, one per run directory for a campaign)
     */
    public record Written(Path file, int runReports) implements Outcome {}

    /** DIR is not something a report can be built from; {@code reason} is one line for the user. */
    public record Rejected(String reason) implements Outcome {}

    static final String FILE = "report.html";
    private static final YAMLMapper YAML = new YAMLMapper();

    private HtmlReport() {}

    /** (Re)builds {@code dir/report.html} from a run or a campaign directory. */
    public static Outcome write(Path dir) {
        if (!Files.isDirectory(dir)) {
            return new Rejected(dir + ": no such directory");
        }
        try {
            if (Files.isRegularFile(dir.resolve(CampaignFiles.FILE))) {
                return writeCampaign(dir);
            }
            if (Files.isRegularFile(dir.resolve("result.json"))) {
                writeRun(dir);
                return new Written(dir.resolve(FILE), 1);
            }
        } catch (JsonProcessingException e) {
            return new Rejected(
                    dir + ": " + e.getOriginalMessage().lines().findFirst().orElse("not valid JSON"));
        } catch (IOException | UncheckedIOException e) {
            return new Rejected(dir + ": " + e.getMessage());
        }
        return new Rejected(dir + ": not a run or campaign directory (no result.json or campaign.json)");
    }

    /** Writes one run directory's report.html; the directory must hold a readable result.json. */
    public static Path writeRun(Path dir) throws IOException {
        writeRunPage(dir, new HashMap<>());
        return dir.resolve(FILE);
    }

    /** Writes a run's page and returns its result document. */
    private static RunResult writeRunPage(Path dir, Map<Path, Scenario> scenarios) throws IOException {
        RunResult result = read(() -> RunFiles.readResult(dir), "result.json");
        Path yamlFile = dir.resolve("scenario.yaml");
        String campaignLink = "";
        if (result.campaign() != null) {
            // a campaign run: runs/<cell>/<run>/, with the cell's scenario.yaml one level up
            if (!Files.isRegularFile(yamlFile) && dir.toAbsolutePath().getParent() != null) {
                yamlFile = dir.toAbsolutePath().getParent().resolve("scenario.yaml");
            }
            Path campaignDir = ancestor(dir, 3);
            if (campaignDir != null && Files.isRegularFile(campaignDir.resolve(CampaignFiles.FILE))) {
                campaignLink = "../../../" + FILE;
            }
        }
        Scenario scenario = scenarios.computeIfAbsent(yamlFile.toAbsolutePath().normalize(), HtmlReport::scenario);
        RunReport.Input in = new RunReport.Input(
                result, history(dir.resolve("history.jsonl")), scenario.yaml(), scenario.description(), campaignLink);
        Files.writeString(dir.resolve(FILE), RunReport.render(in), StandardCharsets.UTF_8);
        return result;
    }

    /**
     * A document read by {@code reader}; its syntax error as a {@link JsonProcessingException}, and a file that is
     * not a JSON object (empty, an array, {@code null}) as an {@link IOException} naming it.
     */
    private static <T> T read(Supplier<T> reader, String file) throws IOException {
        T doc;
        try {
            doc = reader.get();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof MismatchedInputException m
                    && m.getPath().isEmpty()) {
                throw new IOException(file + " is not a JSON object", m);
            }
            throw e.getCause();
        }
        if (doc == null) {
            throw new IOException(file + " is not a JSON object");
        }
        return doc;
    }

    private static Outcome writeCampaign(Path dir) throws IOException {
        CampaignSummary campaign = read(() -> CampaignFiles.read(dir), CampaignFiles.FILE);
        Map<String, Path> cellDirs = new LinkedHashMap<>();
        for (CampaignSummary.CellEntry cell : campaign.cells()) {
            if (cell instanceof CampaignSummary.PlayedCell played
                    && played.dir() != null
                    && !played.dir().isEmpty()
                    && Files.isDirectory(dir.resolve(played.dir()))) {
                cellDirs.put(played.cell(), dir.resolve(played.dir()));
            }
        }
        List<Path> runDirs = new ArrayList<>();
        Map<String, List<Path>> byCell = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : cellDirs.entrySet()) {
            List<Path> found = runDirs(e.getValue());
            byCell.put(e.getKey(), found);
            runDirs.addAll(found);
        }
        Map<Path, CampaignReport.RunLink> links = new ConcurrentHashMap<>();
        Map<Path, Scenario> scenarios = new ConcurrentHashMap<>(); // a cell's runs share its scenario.yaml
        runDirs.parallelStream().forEach(run -> links.put(run, link(dir, run, scenarios)));
        Map<String, List<CampaignReport.RunLink>> runs = new LinkedHashMap<>();
        byCell.forEach(
                (cell, list) -> runs.put(cell, list.stream().map(links::get).toList()));
        Path out = dir.resolve(FILE);
        String shown = dir.normalize().toString().replace('\\', '/');
        Files.writeString(
                out, CampaignReport.render(campaign, runs, shown.isEmpty() ? "." : shown), StandardCharsets.UTF_8);
        int written = (int) links.values().stream()
                .filter(l -> l.link().endsWith("/" + FILE))
                .count();
        return new Written(out, written);
    }

    /** A cell's run directories (those with a result.json): the oracle first, then by name. */
    private static List<Path> runDirs(Path cellDir) throws IOException {
        try (Stream<Path> children = Files.list(cellDir)) {
            return children.filter(p -> Files.isRegularFile(p.resolve("result.json")))
                    .sorted(Comparator.comparing(
                                    (Path p) -> !p.getFileName().toString().equals("oracle"))
                            .thenComparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /** Writes one campaign run's page; a run whose result.json cannot be read is linked by its directory. */
    private static CampaignReport.RunLink link(Path campaignDir, Path run, Map<Path, Scenario> scenarios) {
        String rel = campaignDir.relativize(run).toString().replace('\\', '/');
        String name = run.getFileName().toString();
        try {
            RunResult result = writeRunPage(run, scenarios);
            return new CampaignReport.RunLink(
                    name,
                    rel + "/" + FILE,
                    result.verdict() == null ? "" : result.verdict(),
                    result.complete(),
                    result.wallMs());
        } catch (IOException | RuntimeException e) {
            return new CampaignReport.RunLink(name, rel + "/", "", true, -1);
        }
    }

    /** history.jsonl's lines in file order; lines that are not JSON (a trace cut by a kill) are skipped. */
    static List<HistoryEntry> history(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        return RunFiles.lines(file).stream().map(HistoryEntry::of).toList();
    }

    /** A scenario file's text and description; both empty when there is no file. */
    private record Scenario(String yaml, String description) {}

    private static Scenario scenario(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Scenario("", "");
        }
        try {
            String yaml = Files.readString(file, StandardCharsets.UTF_8);
            return new Scenario(yaml, description(yaml));
        } catch (IOException e) {
            return new Scenario("", "");
        }
    }

    /** The scenario's description, or empty when the file has none or does not parse. */
    static String description(String yaml) {
        try {
            JsonNode doc = YAML.readTree(yaml);
            return doc == null ? "" : doc.path("description").asText("").trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Path ancestor(Path dir, int levels) {
        Path p = dir.toAbsolutePath().normalize();
        for (int i = 0; i < levels && p != null; i++) {
            p = p.getParent();
        }
        return p;
    }
}
