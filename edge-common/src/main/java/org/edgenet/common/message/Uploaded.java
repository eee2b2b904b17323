package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;

/** The server stored and logged the upload. Body: fileId i64, dataAmount i64. */
public record Uploaded(FileId fileId, long dataAmount) implements Message {
    public MessageType type() {
        return MessageType.UPLOADED;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
        out.writeLong(dataAmount);
    }

    static Uploaded read(ByteBuf in) {
        long fileId = BodyFields.readLong(in, "fileId");
        long dataAmount = BodyFields.readLong(in, "dataAmount");
        return new Uploaded(FileId.of(fileId), dataAmount);
    }
}
