package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.trace.TraceTimes;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;

/**
 * Notice: a device that met this one reported positive; the contact happened while this device's
 * TempID of {@code start} to {@code expiry} was in use (the server's local time). Body: start and
 * expiry, 19 ASCII characters each, {@code dd/MM/yyyy HH:mm:ss}.
 */
public record ExposureNotice(LocalDateTime start, LocalDateTime expiry) implements Notice {
    public MessageType type() {
        return MessageType.EXPOSURE_NOTICE;
    }

    /** What the device shows, and what its mailbox holds when it was not joined. */
    public String text() {
        return "Exposure notice: you were near a device that reported positive between " + TraceTimes.format(start)
                + " and " + TraceTimes.format(expiry);
    }

    public void writeBody(ByteBuf out) {
        out.writeCharSequence(TraceTimes.format(start), StandardCharsets.US_ASCII);
        out.writeCharSequence(TraceTimes.format(expiry), StandardCharsets.US_ASCII);
    }

    static ExposureNotice read(ByteBuf in) {
        BodyFields.need(in, 2 * TraceTimes.LENGTH, "times");
        String start = in.readCharSequence(TraceTimes.LENGTH, StandardCharsets.ISO_8859_1).toString();
        String expiry = in.readCharSequence(TraceTimes.LENGTH, StandardCharsets.ISO_8859_1).toString();
        return new ExposureNotice(TraceTimes.parse(start), TraceTimes.parse(expiry));
    }
}
