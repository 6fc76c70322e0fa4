package org.memtypelab.lab.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scenarios bundled with the lab ({@code scenarios/<name>.yaml} on the classpath, listed in
 * {@code scenarios/index.txt}), and resolution of a name or file path given on the command line.
 */
public final class ScenarioCatalogue {

    /** The classpath folder of bundled scenarios. */
    public static final String ROOT = "scenarios/";

    /** A bundled scenario: its catalogue name and the first line of its description. */
    public record Entry(String name, String description) {}

    private final Bundled files;

    private ScenarioCatalogue(ClassLoader loader) {
        this.files = new Bundled(loader, ROOT);
    }

    /** The catalogue bundled with this build. */
    public static ScenarioCatalogue bundled() {
        return new ScenarioCatalogue(ScenarioCatalogue.class.getClassLoader());
    }

    /** The names in the index, in index order. */
    public List<String> names() {
        return files.names();
    }

    /** Every bundled scenario with a one-line description; one that fails to load says so instead. */
    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        for (String name : names()) {
            LoadResult r = loadBundled(name).orElse(new ScenarioError(name, 1, 1, "listed in index, not bundled"));
            String description = r instanceof LoadResult.Loaded l
                    ? l.scenario().description().strip().lines().findFirst().orElse("")
                    : "(invalid: " + r + ")";
            entries.add(new Entry(name, description));
        }
        return entries;
    }

    /** Loads a bundled scenario by catalogue name ({@code examples/amdgpu-uswc-status-quo}), if there is one. */
    public Optional<LoadResult> loadBundled(String name) {
        return files.resourceName(name)
                .flatMap(resource -> files.text(name).map(text -> ScenarioLoader.load(resource, text)));
    }

    /**
     * Resolves what the user typed: an existing file is loaded as a file, otherwise a bundled scenario of that name;
     * anything else is a {@link ScenarioError} listing the bundled names.
     */
    public LoadResult resolve(String nameOrPath) {
        Path path = pathOf(nameOrPath);
        if (path != null && Files.isRegularFile(path)) {
            return ScenarioLoader.load(path);
        }
        return loadBundled(nameOrPath)
                .orElseGet(() -> ScenarioError.about(
                        nameOrPath,
                        "no such scenario file or bundled scenario; "
                                + DidYouMean.hint(nameOrPath, names(), "./memtype-lab catalogue")));
    }

    /** The YAML text {@link #resolve} would load, so a run directory can keep the exact scenario it played. */
    public Optional<String> text(String nameOrPath) {
        Path path = pathOf(nameOrPath);
        if (path != null && Files.isRegularFile(path)) {
            try {
                return Optional.of(YamlFile.read(path));
            } catch (Problem e) {
                return Optional.empty();
            }
        }
        return files.text(nameOrPath);
    }

    private static Path pathOf(String text) {
        try {
            return Path.of(text);
        } catch (RuntimeException e) {
            return null; // not a valid path on this platform; may still be a bundled name
        }
    }
}
