package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * The device has shown the messages of the last {@link MessageBatch} up to id {@code upToId}: the
 * server may remove them. Body: upToId i64.
 */
public record AckMessages(long upToId) implements Message {
    public MessageType type() {
        return MessageType.ACK_MESSAGES;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(upToId);
    }

    static AckMessages read(ByteBuf in) {
        return new AckMessages(BodyFields.readLong(in, "upToId"));
    }
}
