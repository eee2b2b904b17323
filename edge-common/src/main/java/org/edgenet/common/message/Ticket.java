package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * The server vouches for one UVF transfer from {@code presenter} to {@code audience}: both get the
 * same ticket over their own connections, the audience unasked (before the presenter hears where it
 * listens), the presenter inside {@link Peer}. The presenter proves the ticket by sealing its OFFER
 * with a key derived from {@code key}; the audience accepts one OFFER per ticket, within
 * {@code lifetime} of receiving it. See {@code docs/UVF-PROTOCOL.md}.
 *
 * <pre>
 *  0          8            10+p        12+p         12+p+a      44+p+a
 *  +----------+-----+------+-----+------+-----------+-----------+
 *  | id (u64) | p   |      | a   |      | key       | lifetime  |
 *  |          |(u16)| pres.|(u16)| aud. | (32 B)    | ms (u32)  |
 *  +----------+-----+------+-----+------+-----------+-----------+
 * </pre>
 *
 * @param id        random, names the ticket in the OFFER
 * @param presenter the device that sends the file
 * @param audience  the device that receives it
 * @param key       256 random bits, known only to the server and the two devices
 * @param lifetime  how long the audience keeps an unused ticket
 */
public record Ticket(long id, DeviceName presenter, DeviceName audience, byte[] key, Duration lifetime) implements Message {
    public static final int KEY_LENGTH = 32;
    /** The longest lifetime the wire carries, in milliseconds (a u32 would allow weeks; no ticket lives that long). */
    public static final long MAX_LIFETIME_MILLIS = 3_600_000;

    public Ticket {
        Objects.requireNonNull(presenter, "presenter");
        Objects.requireNonNull(audience, "audience");
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a ticket key is " + KEY_LENGTH + " bytes, not " + key.length);
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.toMillis() > MAX_LIFETIME_MILLIS) {
            throw new IllegalArgumentException("a ticket lives between 1 ms and 1 h, not " + lifetime);
        }
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    public MessageType type() {
        return MessageType.TICKET;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(id);
        BodyFields.writeString(out, presenter.value());
        BodyFields.writeString(out, audience.value());
        out.writeBytes(key);
        out.writeInt((int) lifetime.toMillis());
    }

    static Ticket read(ByteBuf in) {
        long id = BodyFields.readLong(in, "id");
        String presenter = BodyFields.readString(in, "presenter");
        String audience = BodyFields.readString(in, "audience");
        byte[] key = new byte[KEY_LENGTH];
        BodyFields.need(in, KEY_LENGTH, "key");
        in.readBytes(key);
        long lifetime = Integer.toUnsignedLong(BodyFields.readInt(in, "lifetime"));
        if (!DeviceNames.isValid(presenter) || !DeviceNames.isValid(audience)) {
            throw new ProtocolException(ErrorCode.MALFORMED, "a ticket names an invalid device");
        }
        if (lifetime == 0 || lifetime > MAX_LIFETIME_MILLIS) {
            throw new ProtocolException(ErrorCode.MALFORMED, "ticket lifetime " + lifetime + " ms");
        }
        return new Ticket(id, DeviceName.of(presenter), DeviceName.of(audience), key, Duration.ofMillis(lifetime));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ticket t && t.id == id && t.presenter.equals(presenter) && t.audience.equals(audience)
                && Arrays.equals(t.key, key) && t.lifetime.equals(lifetime);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    /** Never the key: a log line must not let anyone forge the transfer. */
    @Override
    public String toString() {
        return "Ticket[" + Long.toHexString(id) + ", " + presenter + " to " + audience + "]";
    }
}
