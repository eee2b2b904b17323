package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;

/** DTE: remove one of the device's uploaded files. Body: fileId i64. */
public record Delete(FileId fileId) implements Message {
    public MessageType type() {
        return MessageType.DELETE;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
    }

    static Delete read(ByteBuf in) {
        return new Delete(FileId.of(BodyFields.readLong(in, "fileId")));
    }
}
