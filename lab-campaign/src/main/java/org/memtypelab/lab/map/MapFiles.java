package org.memtypelab.lab.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the map's three files into a directory. */
public final class MapFiles {

    public static final String MARKDOWN = "design-space.md";
    public static final String JSON = "design-space.json";
    public static final String HTML = "design-space.html";

    private MapFiles() {}

    /** Writes design-space.md, .json and .html into {@code dir} (created if missing); returns their paths. */
    public static List<Path> write(Path dir, DesignSpaceMap map) {
        try {
            Files.createDirectories(dir);
            Path md = dir.resolve(MARKDOWN);
            Path json = dir.resolve(JSON);
            Path html = dir.resolve(HTML);
            Files.writeString(md, MapMarkdown.render(map), StandardCharsets.UTF_8);
            Files.writeString(json, MapJson.render(map), StandardCharsets.UTF_8);
            Files.writeString(html, MapHtml.render(map), StandardCharsets.UTF_8);
            return List.of(md, json, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the map into " + dir + ": " + e.getMessage(), e);
        }
    }
}
