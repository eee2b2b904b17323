package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The server stored and logged the upload. Body: fileId i64, dataAmount i64. */
public record Uploaded(long fileId, long dataAmount) implements Message {
    public MessageType type() {
        return MessageType.UPLOADED;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId);
        out.writeLong(dataAmount);
    }

    static Uploaded read(ByteBuf in) {
        return new Uploaded(BodyFields.readLong(in, "fileId"), BodyFields.readLong(in, "dataAmount"));
    }
}
