package org.edgenet.server.cli;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The console is written by an asynchronous appender (config/logback.xml), whose thread would die
 * with the JVM and take the lines still queued with it. Stopping the logging context first writes
 * them out, so the last lines of a stop appear.
 */
final class ConsoleLog {
    private ConsoleLog() {
    }

    /** Writes out every queued line and stops logging; later lines are dropped. */
    static void flush() {
        flush(LoggerFactory.getILoggerFactory());
    }

    static void flush(ILoggerFactory factory) {
        // Another SLF4J binding has no queue of ours to empty.
        if (factory instanceof LoggerContext context) {
            context.stop();
        }
    }
}
