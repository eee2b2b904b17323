package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The last message of a download the device cancelled: no chunk follows it. Empty body. */
public record DownloadCancelled() implements Message {
    public MessageType type() {
        return MessageType.DOWNLOAD_CANCELLED;
    }

    public void writeBody(ByteBuf out) {
    }

    static DownloadCancelled read(ByteBuf in) {
        return new DownloadCancelled();
    }
}
