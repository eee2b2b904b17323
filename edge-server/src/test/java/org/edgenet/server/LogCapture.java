package org.edgenet.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the server's warnings and errors while open, instead of printing them, so a test can
 * check what an operator would read: how many lines, what they say and whether a stack trace came
 * with them.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    /** The console while the capture stands in for it: the lines are provoked on purpose. */
    private final List<Appender<ILoggingEvent>> console = new ArrayList<>();

    public LogCapture() {
        root.iteratorForAppenders().forEachRemaining(console::add);
        console.forEach(root::detachAppender);
        appender.start();
        root.addAppender(appender);
    }

    /** Every event at WARN or above, as {@code LEVEL message}, with {@code +trace} if it carried one. */
    public List<String> warnings() {
        // The appender adds to its list while holding itself.
        synchronized (appender) {
            return appender.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage()
                            + (e.getThrowableProxy() != null ? " +trace" : ""))
                    .toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        console.forEach(root::addAppender);
    }
}
