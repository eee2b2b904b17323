package org.edgenet.client.cli;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The device log's line, {@code 2026-11-30 07:52:08.123 [main] INFO  o.e.client.Example - text}, the
 * same as the pattern {@link ClientLogging#PATTERN} with the stack trace after the line when there
 * is one. Written by hand because logback's pattern layout builds its whole table of converters
 * the first time it is used, a measurable part of a device's start.
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {
    private static final int LOGGER_LENGTH = 20;

    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(LOGGER_LENGTH);
    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
        line.append(t.getYear()).append('-');
        pad(line, t.getMonthValue(), 2).append('-');
        pad(line, t.getDayOfMonth(), 2).append(' ');
        pad(line, t.getHour(), 2).append(':');
        pad(line, t.getMinute(), 2).append(':');
        pad(line, t.getSecond(), 2).append('.');
        pad(line, t.getNano() / 1_000_000, 3);
        line.append(" [").append(event.getThreadName()).append("] ");
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(' ').append(abbreviator.abbreviate(event.getLoggerName()))
                .append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString();
    }

    private static StringBuilder pad(StringBuilder line, int value, int digits) {
        for (int limit = 10, d = 1; d < digits; d++, limit *= 10) {
            if (value < limit) {
                line.append('0');
            }
        }
        return line.append(value);
    }
}
