package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The acknowledged messages are removed, on the disk too. Body: still waiting u32. */
public record MessagesAcked(int waiting) implements Message {
    public MessageType type() {
        return MessageType.MESSAGES_ACKED;
    }

    public void writeBody(ByteBuf out) {
        out.writeInt(waiting);
    }

    static MessagesAcked read(ByteBuf in) {
        return new MessagesAcked(BodyFields.readInt(in, "waiting"));
    }
}
