package org.memtypelab.lab.network;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs {@code nft -f -} with a ruleset (one transaction: all of it applies or none). */
final class Nft {

    private Nft() {}

    /** Empty if nft applied {@code ruleset}, otherwise what it said. */
    static Optional<String> apply(String ruleset) {
        try {
            Process p = new ProcessBuilder(Isolation.tool("nft").orElse("nft"), "-f", "-")
                    .redirectErrorStream(true)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(ruleset.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("nft did not finish within 10 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? Optional.empty() : Optional.of(out + " (exit " + p.exitValue() + ")");
        } catch (IOException e) {
            return Optional.of("cannot run nft: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while running nft");
        }
    }
}
