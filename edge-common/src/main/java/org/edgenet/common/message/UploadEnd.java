package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The whole file has been sent. Empty body. */
public record UploadEnd() implements Message {
    public MessageType type() {
        return MessageType.UPLOAD_END;
    }

    public void writeBody(ByteBuf out) {
    }

    static UploadEnd read(ByteBuf in) {
        return new UploadEnd();
    }
}
