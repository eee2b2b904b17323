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
 * Records what a logger writes, from INFO up, for as long as it is open, instead of printing it,
 * so a test can check what an operator would read: how many lines, what they say and whether a
 * stack trace came with them. Close it to give the logger back its level and appenders.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level level;
    private final boolean additive;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    /** The appenders the capture stands in for: the lines are provoked on purpose. */
    private final List<Appender<ILoggingEvent>> replaced = new ArrayList<>();

    /** Everything the server logs. */
    public LogCapture() {
        this((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    }

    /** What one class logs. */
    public LogCapture(Class<?> source) {
        this((Logger) LoggerFactory.getLogger(source));
    }

    private LogCapture(Logger logger) {
        this.logger = logger;
        level = logger.getLevel();
        additive = logger.isAdditive();
        logger.iteratorForAppenders().forEachRemaining(replaced::add);
        replaced.forEach(logger::detachAppender);
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /** Every line so far as {@code LEVEL message}, e.g. {@code INFO Connection from 127.0.0.1:5000}. */
    public List<String> lines() {
        // The appender adds under its own lock, from whichever thread logs.
        synchronized (appender) {
            List<String> lines = new ArrayList<>(appender.list.size());
            for (ILoggingEvent e : appender.list) {
                lines.add(e.getLevel() + " " + e.getFormattedMessage());
            }
            return lines;
        }
    }

    /** Every event at WARN or above, as {@code LEVEL message}, with {@code +trace} if it carried one. */
    public List<String> warnings() {
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
        logger.detachAppender(appender);
        appender.stop();
        replaced.forEach(logger::addAppender);
        logger.setLevel(level);
        logger.setAdditive(additive);
    }
}
