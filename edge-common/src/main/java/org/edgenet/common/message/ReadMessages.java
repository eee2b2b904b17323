package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * RDM: the oldest messages waiting for this device, at most {@code max} (1 to 255). Removes
 * nothing; {@link AckMessages} does. Body: max u8.
 */
public record ReadMessages(int max) implements Message {
    public MessageType type() {
        return MessageType.READ_MESSAGES;
    }

    public void writeBody(ByteBuf out) {
        out.writeByte(max);
    }

    static ReadMessages read(ByteBuf in) {
        return new ReadMessages(BodyFields.readUnsignedByte(in, "max"));
    }
}
