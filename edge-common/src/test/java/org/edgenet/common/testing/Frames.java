package org.edgenet.common.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.wire.WireFormat;

/** Byte builders for frames, right or deliberately wrong, for codec and handler tests. */
public final class Frames {
    private Frames() {
    }

    /** The exact bytes the codec sends for {@code msg}. */
    public static ByteBuf of(Message msg) {
        ByteBuf buf = Unpooled.buffer();
        MessageCodec.encode(msg, buf);
        return buf;
    }

    /** A frame with every header field chosen by the caller and the given body. */
    public static ByteBuf raw(int magic, int version, int type, long length, byte[] body) {
        ByteBuf buf = Unpooled.buffer(WireFormat.HEADER_LENGTH + body.length);
        buf.writeShort(magic);
        buf.writeByte(version);
        buf.writeByte(type);
        buf.writeInt((int) length);
        buf.writeBytes(body);
        return buf;
    }

    /** A frame with a valid header for {@code type} around an arbitrary body. */
    public static ByteBuf withBody(int type, byte[] body) {
        return raw(WireFormat.MAGIC, WireFormat.VERSION, type, body.length, body);
    }
}
