package org.edgenet.client.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogLineLayoutTest {
    private final LoggerContext context = new LoggerContext();

    @Test
    void writesTheSameLineAsLogbacksPattern() {
        // 09:05:03.007 on a single-digit day and month: every field needs its zeros.
        LoggingEvent event = event("org.edgenet.client.net.EdgeClient", Level.INFO, "joined as {}", null);
        event.setTimeStamp(1_780_996_000_000L + 3_007L);
        assertEquals(pattern(event), layout(event), "the line of an INFO event");
    }

    @Test
    void writesTheStackTraceAfterTheLineAsLogbacksPatternDoes() {
        LoggingEvent event = event("org.edgenet.client.cli.ClientMain", Level.ERROR, "The client failed",
                new IllegalStateException("boom", new RuntimeException("cause")));
        assertEquals(pattern(event), layout(event), "the line and stack trace of an ERROR event");
    }

    @Test
    void padsShortLevelsAndKeepsShortLoggerNames() {
        LoggingEvent event = event("Short", Level.WARN, "careful", null);
        assertEquals(pattern(event), layout(event), "a WARN from a logger with a short name");
    }

    private LoggingEvent event(String logger, Level level, String message, Throwable thrown) {
        Logger log = context.getLogger(logger);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), log, level, message, thrown,
                new Object[] {"supersmartwatch"});
        event.setThreadName("main");
        return event;
    }

    private String pattern(LoggingEvent event) {
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(ClientLogging.PATTERN);
        pattern.start();
        return pattern.doLayout(event);
    }

    private String layout(LoggingEvent event) {
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        return layout.doLayout(event);
    }
}
