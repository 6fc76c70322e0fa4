package org.memtypelab.lab.cli;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.memtypelab.lab.run.Conductor;

/**
 * {@code run --watch}: after the first run, plays the scenario file again on the same warm cluster each time it is
 * saved with a different content, into {@code <dir>/2}, {@code <dir>/3}, ...; a save that does not load prints its
 * error and keeps watching. An interrupt (Ctrl-C ends the JVM anyway) ends the loop with the last run's exit code.
 */
final class Watch {

    /** Events this close after a save belong to the same save (editors write in several steps). */
    private static final long SETTLE_MS = 100;

    private final RunCommand command;
    private final RunCommand.Played first;
    private final Conductor conductor;
    private final String mode;
    private final PrintWriter err;

    Watch(RunCommand command, RunCommand.Played first, Conductor conductor, String mode) {
        this.command = command;
        this.first = first;
        this.conductor = conductor;
        this.mode = mode;
        this.err = command.spec.commandLine().getErr();
    }

    int loop() throws IOException {
        Path file = first.target().file().toAbsolutePath();
        String lastText = first.target().text();
        int lastExit = first.exit();
        List<RunCommand.Played> played = new ArrayList<>(List.of(first));
        try (WatchService ws = file.getFileSystem().newWatchService()) {
            file.getParent().register(ws, ENTRY_MODIFY, ENTRY_CREATE);
            // only now: a save right after this line must not be missed
            say("watching " + file + " (save it to play again; Ctrl-C stops)");
            while (true) {
                if (!savedAgain(ws, file)) {
                    continue;
                }
                List<RunCommand.Target> loaded = new ArrayList<>();
                List<String> errors = new ArrayList<>();
                RunCommand.resolve(file.toString(), loaded, errors);
                if (!errors.isEmpty()) {
                    errors.forEach(err::println);
                    say("not played; fix the file and save it again");
                    continue;
                }
                RunCommand.Target t = loaded.get(0);
                if (t.text().equals(lastText)) {
                    continue; // touched, not changed
                }
                lastText = t.text();
                Path dir = first.dir().resolveSibling(Integer.toString(played.size() + 1));
                RunCommand.Played p = command.play(t, dir, conductor, mode, false);
                played.add(p);
                lastExit = p.exit();
                command.writeJUnit(List.of(p));
                say("watching " + file + " again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lastExit;
        }
    }

    /** Blocks until the directory changes; true when {@code file} was among the changes. */
    private static boolean savedAgain(WatchService ws, Path file) throws InterruptedException {
        boolean ours = false;
        WatchKey key = ws.take();
        do {
            ours |= key.pollEvents().stream().anyMatch(e -> file.getFileName().equals(e.context()));
            key.reset();
            key = ws.poll(SETTLE_MS, TimeUnit.MILLISECONDS);
        } while (key != null);
        return ours;
    }

    private void say(String what) {
        err.println("memtype-lab: " + what);
        err.flush();
    }
}
