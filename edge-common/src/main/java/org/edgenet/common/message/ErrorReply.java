package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/**
 * A request failed. Body: code u16, message string (for a person to read). A code this version
 * does not know, from a newer server, reads as {@link ErrorCode#INTERNAL} with the number in
 * front of the message, so the user still sees the error and can look the number up.
 */
public record ErrorReply(ErrorCode code, String message) implements Message {
    public static ErrorReply of(ProtocolException e) {
        return new ErrorReply(e.code(), e.getMessage() == null ? e.code().name() : e.getMessage());
    }

    public MessageType type() {
        return MessageType.ERROR;
    }

    public void writeBody(ByteBuf out) {
        out.writeShort(code.code());
        BodyFields.writeString(out, message);
    }

    static ErrorReply read(ByteBuf in) {
        int code = BodyFields.readUnsignedShort(in, "code");
        String message = BodyFields.readString(in, "message");
        return ErrorCode.lookup(code).map(c -> new ErrorReply(c, message))
                .orElseGet(() -> new ErrorReply(ErrorCode.INTERNAL, "error " + code + ": " + message));
    }
}
