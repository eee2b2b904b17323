package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;

/** The file is gone and the deletion logged. Body: fileId i64, dataAmount i64. */
public record Deleted(FileId fileId, long dataAmount) implements Message {
    public MessageType type() {
        return MessageType.DELETED;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
        out.writeLong(dataAmount);
    }

    static Deleted read(ByteBuf in) {
        long fileId = BodyFields.readLong(in, "fileId");
        long dataAmount = BodyFields.readLong(in, "dataAmount");
        return new Deleted(FileId.of(fileId), dataAmount);
    }
}
