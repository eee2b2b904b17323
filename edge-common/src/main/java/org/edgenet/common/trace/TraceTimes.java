package org.edgenet.common.trace;

import org.edgenet.common.format.InvalidValueException;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;

/**
 * The time form of contact tracing, 002's {@code dd/MM/yyyy HH:mm:ss}: always 19 ASCII characters,
 * a local time in the zone of whoever reads it. Parsing is strict, so {@code 31/02/2026 10:00:00}
 * and {@code 01/01/2026 24:00:00} are refused rather than rolled over.
 */
public final class TraceTimes {
    public static final String PATTERN = "dd/MM/uuuu HH:mm:ss";
    public static final int LENGTH = 19;

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern(PATTERN)
            .withResolverStyle(ResolverStyle.STRICT);

    private TraceTimes() {
    }

    /** {@code time} to the second; years beyond 9999 do not occur in TempIDs. */
    public static String format(LocalDateTime time) {
        return FORMAT.format(time);
    }

    /** @throws InvalidValueException when {@code text} is not exactly a valid time of this form */
    public static LocalDateTime parse(String text) {
        if (text.length() != LENGTH || !text.chars().allMatch(c -> c < 0x80)) {
            throw new InvalidValueException("a time is " + LENGTH + " characters, dd/MM/yyyy HH:mm:ss");
        }
        try {
            return LocalDateTime.parse(text, FORMAT);
        } catch (DateTimeParseException e) {
            throw new InvalidValueException("not a valid date and time");
        }
    }

    /** {@code time} without its fraction of a second: the precision of the form. */
    public static LocalDateTime seconds(LocalDateTime time) {
        return time.truncatedTo(ChronoUnit.SECONDS);
    }
}
