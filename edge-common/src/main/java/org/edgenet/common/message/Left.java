package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The server confirms OUT, then closes the connection. Body: device string. */
public record Left(String device) implements Message {
    public MessageType type() {
        return MessageType.LEFT;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device);
    }

    static Left read(ByteBuf in) {
        return new Left(BodyFields.readString(in, "device"));
    }
}
