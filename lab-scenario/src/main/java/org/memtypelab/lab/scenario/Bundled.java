package org.memtypelab.lab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A classpath folder of bundled YAML files ({@code scenarios/}, {@code campaigns/}) with an {@code index.txt} listing
 * their names, one per line ({@code #} starts a comment). A name is lower-case words, digits, dashes and slashes,
 * with or without {@code .yaml}; nothing else ever reaches the class loader.
 */
public final class Bundled {

    private final ClassLoader loader;
    private final String root;

    /** @param root the folder, with a trailing slash ({@code scenarios/}) */
    public Bundled(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root;
    }

    /** The names in the index, in index order. */
    public List<String> names() {
        String index = resource(root + "index.txt")
                .orElseThrow(() -> new IllegalStateException("missing resource " + root + "index.txt"));
        List<String> names = new ArrayList<>();
        for (String line : index.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                names.add(t);
            }
        }
        return names;
    }

    /** The resource a name stands for ({@code scenarios/thread/option-0-status-quo.yaml}), if it is a valid name. */
    public Optional<String> resourceName(String nameOrFile) {
        String name = nameOrFile.endsWith(".yaml") ? nameOrFile.substring(0, nameOrFile.length() - 5) : nameOrFile;
        if (!name.matches("[a-z0-9-/]+") || name.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(root + name + ".yaml");
    }

    /** The text of the bundled file a name stands for, if there is one. */
    public Optional<String> text(String nameOrFile) {
        return resourceName(nameOrFile).flatMap(this::resource);
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
