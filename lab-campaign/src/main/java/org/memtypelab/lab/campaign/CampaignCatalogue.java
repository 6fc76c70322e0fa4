package org.memtypelab.lab.campaign;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.memtypelab.lab.scenario.Bundled;
import org.memtypelab.lab.scenario.DidYouMean;
import org.memtypelab.lab.scenario.Problem;
import org.memtypelab.lab.scenario.ScenarioCatalogue;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.YamlFile;

/**
 * The campaign specs bundled with the lab ({@code campaigns/<name>.yaml} on the classpath, listed in
 * {@code campaigns/index.txt}), and the texts a spec refers to: the spec itself and its base scenario, each a file or
 * a bundled name, as {@code run} resolves scenarios.
 */
public final class CampaignCatalogue {

    /** The classpath folder of bundled campaign specs. */
    public static final String ROOT = "campaigns/";

    /** A text to load, and the name to report it under; {@code dir} is the folder of a file, for relative paths. */
    record Source(String name, String text, Optional<Path> dir) {}

    private final Bundled campaigns;
    private final Bundled scenarios;

    private CampaignCatalogue(ClassLoader loader) {
        this.campaigns = new Bundled(loader, ROOT);
        this.scenarios = new Bundled(loader, ScenarioCatalogue.ROOT);
    }

    /** The catalogue bundled with this build. */
    public static CampaignCatalogue bundled() {
        return new CampaignCatalogue(CampaignCatalogue.class.getClassLoader());
    }

    /** The bundled campaign names, in index order. */
    public List<String> names() {
        return campaigns.names();
    }

    /** A spec: an existing file, else a bundled campaign name (with or without {@code .yaml}). */
    Source spec(String nameOrPath) throws Unresolved {
        Optional<Source> file = file(Path.of("."), nameOrPath);
        if (file.isPresent()) {
            return file.get();
        }
        return bundled(campaigns, nameOrPath)
                .orElseThrow(() -> new Unresolved(
                        "no such campaign spec file or bundled campaign; bundled: " + String.join(", ", names())
                                + DidYouMean.among(nameOrPath, names()).stream()
                                        .findFirst()
                                        .map(n -> "; did you mean " + n + "?")
                                        .orElse("")));
    }

    /** A base scenario: a file next to the spec, else a file from here, else a bundled scenario name. */
    Source base(String nameOrPath, Optional<Path> specDir) throws Unresolved {
        Optional<Source> file = specDir.isPresent() ? file(specDir.get(), nameOrPath) : Optional.empty();
        if (file.isEmpty()) {
            file = file(Path.of("."), nameOrPath);
        }
        if (file.isPresent()) {
            return file.get();
        }
        return bundled(scenarios, nameOrPath)
                .orElseThrow(() -> new Unresolved("no such scenario file or bundled scenario; "
                        + DidYouMean.hint(nameOrPath, scenarios.names(), "./memtype-lab catalogue")));
    }

    /** Why a name resolved to nothing, with the names that would; or a file it names that cannot be read. */
    static final class Unresolved extends Exception {
        private final transient Optional<ScenarioError> unreadable;

        Unresolved(String message) {
            super(message, null, false, false);
            this.unreadable = Optional.empty();
        }

        Unresolved(ScenarioError unreadable) {
            super(unreadable.toString(), null, false, false);
            this.unreadable = Optional.of(unreadable);
        }

        /** The file's own error (too large, not UTF-8, unreadable), located in the file. */
        Optional<ScenarioError> unreadable() {
            return unreadable;
        }
    }

    /** The file {@code text} names in {@code dir}, if there is one. */
    private static Optional<Source> file(Path dir, String text) throws Unresolved {
        Path p;
        try {
            p = dir.resolve(text);
        } catch (RuntimeException e) {
            return Optional.empty(); // not a path on this platform; may still be a bundled name
        }
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        String name = dir.equals(Path.of(".")) ? text : p.toString();
        try {
            return Optional.of(new Source(
                    name,
                    YamlFile.read(p),
                    Optional.ofNullable(p.toAbsolutePath().getParent())));
        } catch (Problem e) {
            throw new Unresolved(e.toError(name));
        }
    }

    private static Optional<Source> bundled(Bundled files, String nameOrPath) {
        return files.resourceName(nameOrPath)
                .flatMap(resource -> files.text(nameOrPath).map(text -> new Source(resource, text, Optional.empty())));
    }
}
