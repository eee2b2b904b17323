package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** Notice, right after {@link Joined} when there are any: messages wait for this device. Body: count u32. */
public record MessagesWaiting(int count) implements Notice {
    public MessageType type() {
        return MessageType.MESSAGES_WAITING;
    }

    public void writeBody(ByteBuf out) {
        out.writeInt(count);
    }

    static MessagesWaiting read(ByteBuf in) {
        return new MessagesWaiting(BodyFields.readInt(in, "count"));
    }
}
