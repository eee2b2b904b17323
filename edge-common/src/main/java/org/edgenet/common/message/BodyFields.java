package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.edgenet.common.format.StrictUtf8;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Readers and writers of the fields that make up the message bodies. Strings are UTF-8 behind an unsigned
 * 16-bit byte count; every read checks that the bytes are there before taking them.
 */
public final class BodyFields {
    /** Longest string field, in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 0xFFFF;

    private BodyFields() {
    }

    public static void writeString(ByteBuf out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long for the wire");
        }
        out.writeShort(bytes.length);
        out.writeBytes(bytes);
    }

    public static String readString(ByteBuf in, String field) {
        int length = readUnsignedShort(in, field);
        need(in, length, field);
        try {
            return readUtf8(in, length);
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED, field + " is not valid UTF-8");
        }
    }

    /**
     * Reads {@code length} bytes, all there, as UTF-8 with a strict decoder: malformed UTF-8 is an
     * error, not a string full of U+FFFD. Nothing is consumed when it fails.
     */
    public static String readUtf8(ByteBuf in, int length) throws CharacterCodingException {
        int start = in.readerIndex();
        // ASCII, as names and most texts are, is valid UTF-8 as it stands: no decoder to make.
        if (ByteBufUtil.isText(in, start, length, StandardCharsets.US_ASCII)) {
            String ascii = in.toString(start, length, StandardCharsets.US_ASCII);
            in.skipBytes(length);
            return ascii;
        }
        String s = StrictUtf8.decode(in.nioBuffer(in.readerIndex(), length));
        in.skipBytes(length);
        return s;
    }

    public static int readUnsignedShort(ByteBuf in, String field) {
        need(in, 2, field);
        return in.readUnsignedShort();
    }

    public static int readUnsignedByte(ByteBuf in, String field) {
        need(in, 1, field);
        return in.readUnsignedByte();
    }

    public static int readInt(ByteBuf in, String field) {
        need(in, 4, field);
        return in.readInt();
    }

    public static long readLong(ByteBuf in, String field) {
        need(in, 8, field);
        return in.readLong();
    }

    public static int readPort(ByteBuf in, String field) {
        return readUnsignedShort(in, field);
    }

    public static void need(ByteBuf in, int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw new ProtocolException(ErrorCode.MALFORMED, "body ends inside " + field);
        }
    }
}
