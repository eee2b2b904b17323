package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;

/** UED starts: chunks of the file follow, then {@link UploadEnd}. Body: fileId i64. */
public record UploadBegin(FileId fileId) implements Message {
    public MessageType type() {
        return MessageType.UPLOAD_BEGIN;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
    }

    static UploadBegin read(ByteBuf in) {
        return new UploadBegin(FileId.of(BodyFields.readLong(in, "fileId")));
    }
}
