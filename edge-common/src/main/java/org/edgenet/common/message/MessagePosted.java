package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The message is on the server's disk. Body: recipient string, id i64. */
public record MessagePosted(String recipient, long id) implements Message {
    public MessageType type() {
        return MessageType.MESSAGE_POSTED;
    }

    public void writeBody(ByteBuf out) {
        Bodies.writeString(out, recipient);
        out.writeLong(id);
    }

    static MessagePosted read(ByteBuf in) {
        return new MessagePosted(Bodies.readString(in, "recipient"), Bodies.readLong(in, "id"));
    }
}
