package org.edgenet.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Records what one logger writes, from INFO up, for as long as it is open; the lines do not reach
 * the build output. Close it to give the logger back its level and appenders.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level level;
    private final boolean additive;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture(Class<?> source) {
        logger = (Logger) LoggerFactory.getLogger(source);
        level = logger.getLevel();
        additive = logger.isAdditive();
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

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        logger.setAdditive(additive);
        appender.stop();
    }
}
