package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The device gives up an upload it began (its file could not be read). Body: reason string. */
public record UploadAbort(String reason) implements Message {
    public MessageType type() {
        return MessageType.UPLOAD_ABORT;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, reason);
    }

    static UploadAbort read(ByteBuf in) {
        return new UploadAbort(BodyFields.readString(in, "reason"));
    }
}
