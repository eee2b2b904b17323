package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** The message is on the server's disk. Body: recipient string, id i64. */
public record MessagePosted(DeviceName recipient, long id) implements Message {
    public MessageType type() {
        return MessageType.MESSAGE_POSTED;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, recipient.value());
        out.writeLong(id);
    }

    static MessagePosted read(ByteBuf in) {
        String recipient = BodyFields.readString(in, "recipient");
        long id = BodyFields.readLong(in, "id");
        return new MessagePosted(DeviceName.of(recipient), id);
    }
}
