package org.memtypelab.lab.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Pekko's own log lines (unreachable members, the split brain resolver's decisions, handshake timeouts) belong to a
 * run's or campaign's folder, not the user's console: they would bury the summary and split the progress bar.
 */
final class ClusterLog {

    /** The file, inside a run or campaign folder. */
    static final String FILE = "cluster.log";

    private static final String APPENDER = "cluster-log";

    private ClusterLog() {}

    /** From now on, everything Pekko logs in this JVM goes to {@code dir/cluster.log} only. */
    static synchronized void into(Path dir) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding (not the shaded CLI): leave logging as that binding has it
        }
        Logger pekko = context.getLogger("org.apache.pekko");
        var old = pekko.getAppender(APPENDER);
        if (old != null) {
            pekko.detachAppender(old);
            old.stop();
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} %X{pekkoAddress} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName(APPENDER);
        file.setFile(dir.resolve(FILE).toString());
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        pekko.addAppender(file);
        pekko.setAdditive(false);
    }
}
