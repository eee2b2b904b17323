package org.edgenet.common.trace;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.InvalidValueException;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * A TempID and the window in which it is valid: what the server issues, what a beacon carries,
 * and one line of a contact log. On the wire it is 002's 58 ASCII bytes, no separators:
 *
 * <pre>
 *  0                    20                   39                   58
 *  +--------------------+--------------------+--------------------+
 *  | TempID, 20 digits  | start, 19 chars    | expiry, 19 chars   |
 *  |                    | dd/MM/yyyy HH:mm:ss| dd/MM/yyyy HH:mm:ss|
 *  +--------------------+--------------------+--------------------+
 * </pre>
 *
 * As a line of a file the three fields are separated by single spaces.
 *
 * @param id     the TempID
 * @param start  first second it is valid, local time
 * @param expiry last second it is valid, local time; never before {@code start}
 */
public record TempIdWindow(TempId id, LocalDateTime start, LocalDateTime expiry) {
    public static final int LENGTH = TempId.LENGTH + 2 * TraceTimes.LENGTH;

    /** @throws InvalidValueException when the window ends before it starts */
    public TempIdWindow {
        Objects.requireNonNull(id, "id");
        start = TraceTimes.seconds(start);
        expiry = TraceTimes.seconds(expiry);
        if (start.isAfter(expiry)) {
            throw new InvalidValueException("the start time is after the expiry time");
        }
    }

    /** True when {@code now} (to the second) lies in the window, both ends included. */
    public boolean validAt(LocalDateTime now) {
        LocalDateTime t = TraceTimes.seconds(now);
        return !t.isBefore(start) && !t.isAfter(expiry);
    }

    /** Writes the 58 bytes. */
    public void write(ByteBuf out) {
        out.writeBytes(id.bytes());
        out.writeCharSequence(TraceTimes.format(start), StandardCharsets.US_ASCII);
        out.writeCharSequence(TraceTimes.format(expiry), StandardCharsets.US_ASCII);
    }

    /**
     * Reads 58 bytes, all of which the caller has checked are there; they are consumed even when
     * refused.
     *
     * @throws InvalidValueException when a field is not valid
     */
    public static TempIdWindow read(ByteBuf in) {
        String id = in.readCharSequence(TempId.LENGTH, StandardCharsets.ISO_8859_1).toString();
        String start = in.readCharSequence(TraceTimes.LENGTH, StandardCharsets.ISO_8859_1).toString();
        String expiry = in.readCharSequence(TraceTimes.LENGTH, StandardCharsets.ISO_8859_1).toString();
        return new TempIdWindow(TempId.of(id), TraceTimes.parse(start), TraceTimes.parse(expiry));
    }

    /** {@code tempID dd/MM/yyyy HH:mm:ss dd/MM/yyyy HH:mm:ss}: a contact-log line. */
    public String toLine() {
        return id + " " + TraceTimes.format(start) + " " + TraceTimes.format(expiry);
    }

    /**
     * The fields of {@link #toLine()}, given as the words of a line.
     *
     * @throws InvalidValueException when there are not five words or a field is not valid
     */
    public static TempIdWindow fromWords(String[] words, int from) {
        if (words.length - from != 5) {
            throw new InvalidValueException("expected a TempID, a start and an expiry time");
        }
        return new TempIdWindow(TempId.of(words[from]), TraceTimes.parse(words[from + 1] + " " + words[from + 2]),
                TraceTimes.parse(words[from + 3] + " " + words[from + 4]));
    }

    /** A contact-log line back as a window. */
    public static TempIdWindow parseLine(String line) {
        return fromWords(line.strip().split(" "), 0);
    }
}
