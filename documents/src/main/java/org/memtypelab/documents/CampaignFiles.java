package org.memtypelab.documents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A campaign directory's {@code campaign.json} (its runs are run directories, see {@link RunFiles}). */
public final class CampaignFiles {

    /** The file's name in the campaign directory. */
    public static final String FILE = "campaign.json";

    private CampaignFiles() {}

    /** Writes {@code dir/campaign.json} through a temporary file, so a reader never sees half of it. */
    public static void write(Path dir, CampaignSummary summary) {
        Path target = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            Files.createDirectories(dir);
            Documents.PRETTY.writeValue(tmp.toFile(), summary);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Reads {@code dir/campaign.json}; {@code null} when the file holds JSON {@code null}. */
    public static CampaignSummary read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            return Documents.JSON.readValue(file.toFile(), CampaignSummary.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
