package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** DTE: remove one of the device's uploaded files. Body: fileId i64. */
public record Delete(long fileId) implements Message {
    public MessageType type() {
        return MessageType.DELETE;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId);
    }

    static Delete read(ByteBuf in) {
        return new Delete(BodyFields.readLong(in, "fileId"));
    }
}
