package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** UED starts: chunks of the file follow, then {@link UploadEnd}. Body: fileId i64. */
public record UploadBegin(long fileId) implements Message {
    public MessageType type() {
        return MessageType.UPLOAD_BEGIN;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId);
    }

    static UploadBegin read(ByteBuf in) {
        return new UploadBegin(BodyFields.readLong(in, "fileId"));
    }
}
