package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The file is gone and the deletion logged. Body: fileId i64, dataAmount i64. */
public record Deleted(long fileId, long dataAmount) implements Message {
    public MessageType type() {
        return MessageType.DELETED;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId);
        out.writeLong(dataAmount);
    }

    static Deleted read(ByteBuf in) {
        return new Deleted(BodyFields.readLong(in, "fileId"), BodyFields.readLong(in, "dataAmount"));
    }
}
