package org.memtypelab.lab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
    /** The resource listing bundled scenario names, one per line ({@code #} starts a comment). */
    public static final String INDEX = ROOT + "index.txt";

    /** A bundled scenario: its catalogue name and the first line of its description. */
    public record Entry(String name, String description) {}

    private final ClassLoader loader;

    private ScenarioCatalogue(ClassLoader loader) {
        this.loader = loader;
    }

    /** The catalogue bundled with this build. */
    public static ScenarioCatalogue bundled() {
        return new ScenarioCatalogue(ScenarioCatalogue.class.getClassLoader());
    }

    /** The names in the index, in index order. */
    public List<String> names() {
        String index = resource(INDEX).orElseThrow(() -> new IllegalStateException("missing resource " + INDEX));
        List<String> names = new ArrayList<>();
        for (String line : index.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                names.add(t);
            }
        }
        return names;
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
        if (!name.matches("[a-z0-9-/]+") || name.contains("..")) {
            return Optional.empty();
        }
        String resourceName = ROOT + name + ".yaml";
        return resource(resourceName).map(text -> ScenarioLoader.load(resourceName, text));
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
        String name = nameOrPath.endsWith(".yaml") ? nameOrPath.substring(0, nameOrPath.length() - 5) : nameOrPath;
        return loadBundled(name)
                .orElseGet(() -> new ScenarioError(
                        nameOrPath,
                        1,
                        1,
                        "no such scenario file or bundled scenario; " + "bundled: " + String.join(", ", names())));
    }

    /** The YAML text {@link #resolve} would load, so a run directory can keep the exact scenario it played. */
    public Optional<String> text(String nameOrPath) {
        Path path = pathOf(nameOrPath);
        if (path != null && Files.isRegularFile(path)) {
            try {
                return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        String name = nameOrPath.endsWith(".yaml") ? nameOrPath.substring(0, nameOrPath.length() - 5) : nameOrPath;
        if (!name.matches("[a-z0-9-/]+") || name.contains("..")) {
            return Optional.empty();
        }
        return resource(ROOT + name + ".yaml");
    }

    private static Path pathOf(String text) {
        try {
            return Path.of(text);
        } catch (RuntimeException e) {
            return null; // not a valid path on this platform; may still be a bundled name
        }
    }

    private Optional<String> resource(String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading bundled resource " + name, e);
        }
    }
}
