package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** Notice: a message for this device has just been stored. Body: sender string. */
public record MessageArrived(String sender) implements Notice {
    public MessageType type() {
        return MessageType.MESSAGE_ARRIVED;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, sender);
    }

    static MessageArrived read(ByteBuf in) {
        return new MessageArrived(BodyFields.readString(in, "sender"));
    }
}
