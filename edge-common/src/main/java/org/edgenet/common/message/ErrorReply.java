package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/** A request failed. Body: code u16, message string (for a person to read). */
public record ErrorReply(ErrorCode code, String message) implements Message {
    public static ErrorReply of(ProtocolException e) {
        return new ErrorReply(e.code(), e.getMessage() == null ? e.code().name() : e.getMessage());
    }

    public MessageType type() {
        return MessageType.ERROR;
    }

    public void writeBody(ByteBuf out) {
        out.writeShort(code.code());
        Bodies.writeString(out, message);
    }

    static ErrorReply read(ByteBuf in) {
        return new ErrorReply(ErrorCode.of(Bodies.readUnsignedShort(in, "code")), Bodies.readString(in, "message"));
    }
}
