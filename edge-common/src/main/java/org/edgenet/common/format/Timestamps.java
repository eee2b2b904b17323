package org.edgenet.common.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The one timestamp form of every log and message: {@code 30 September 2022 10:31:13}. */
public final class Timestamps {
    public static final String PATTERN = "d MMMM yyyy HH:mm:ss";

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern(PATTERN, Locale.ENGLISH);

    private Timestamps() {
    }

    public static String format(Instant instant, ZoneId zone) {
        return FORMAT.format(instant.atZone(zone));
    }
}
