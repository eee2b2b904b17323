package org.edgenet.common.trace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.edgenet.common.format.InvalidValueException;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;

/**
 * A contact-tracing beacon (002): one UDP datagram of exactly 59 bytes, sent to another device's
 * registered UDP port, where UVF datagrams arrive too.
 *
 * <pre>
 *  0                    20                   39                   58        59
 *  +--------------------+--------------------+--------------------+---------+
 *  | TempID, 20 digits  | start, 19 chars    | expiry, 19 chars   | version |
 *  |                    | dd/MM/yyyy HH:mm:ss| dd/MM/yyyy HH:mm:ss| '1'     |
 *  +--------------------+--------------------+--------------------+---------+
 * </pre>
 *
 * Every byte is printable ASCII; the version is the digit {@code 1} (0x31). A beacon's first byte
 * is a digit, never {@link #UVF_FIRST_BYTE}, the first byte of every UVF datagram: that is how a
 * port tells the two apart.
 *
 * @param window  the sender's TempID and its validity
 * @param version the protocol version, {@link #VERSION}
 */
public record Beacon(TempIdWindow window, int version) {
    public static final int LENGTH = TempIdWindow.LENGTH + 1;
    public static final int VERSION = 1;
    /** The high byte of UVF's magic number 0xED75. */
    public static final int UVF_FIRST_BYTE = 0xED;

    public static Beacon of(TempIdWindow window) {
        return new Beacon(window, VERSION);
    }

    /** True when {@code datagram} belongs to UVF rather than to beacons. */
    public static boolean isUvf(ByteBuf datagram) {
        return datagram.isReadable() && datagram.getUnsignedByte(datagram.readerIndex()) == UVF_FIRST_BYTE;
    }

    /** The 59 bytes. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(LENGTH, LENGTH);
        window.write(out);
        out.writeByte('0' + version);
        return out;
    }

    /**
     * Reads one whole datagram, without consuming it.
     *
     * @throws MalformedBeaconException when the bytes are not a beacon of this version
     */
    public static Beacon decode(ByteBuf datagram) {
        int length = datagram.readableBytes();
        if (length != LENGTH) {
            throw new MalformedBeaconException(BeaconFault.WRONG_LENGTH, length + " bytes");
        }
        ByteBuf in = datagram.duplicate();
        String id = in.readCharSequence(TempId.LENGTH, StandardCharsets.ISO_8859_1).toString();
        String start = in.readCharSequence(TraceTimes.LENGTH, StandardCharsets.ISO_8859_1).toString();
        String expiry = in.readCharSequence(TraceTimes.LENGTH, StandardCharsets.ISO_8859_1).toString();
        int version = in.readUnsignedByte();
        TempId tempId;
        try {
            tempId = TempId.of(id);
        } catch (InvalidValueException e) {
            throw new MalformedBeaconException(BeaconFault.BAD_TEMP_ID, e.getMessage());
        }
        if (version != '0' + VERSION) {
            throw new MalformedBeaconException(BeaconFault.UNKNOWN_VERSION, "version byte " + version);
        }
        LocalDateTime from;
        LocalDateTime to;
        try {
            from = TraceTimes.parse(start);
            to = TraceTimes.parse(expiry);
        } catch (InvalidValueException e) {
            throw new MalformedBeaconException(BeaconFault.BAD_TIME, e.getMessage());
        }
        if (from.isAfter(to)) {
            throw new MalformedBeaconException(BeaconFault.START_AFTER_EXPIRY, start + " is after " + expiry);
        }
        return new Beacon(new TempIdWindow(tempId, from, to), VERSION);
    }
}
