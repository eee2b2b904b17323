package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * The device stops a download it cannot store (its disk is full): the server sends no further
 * chunk and ends the stream with {@link DownloadCancelled}. Sent after the stream has already
 * ended, it is ignored. Empty body.
 */
public record DownloadCancel() implements Message {
    public MessageType type() {
        return MessageType.DOWNLOAD_CANCEL;
    }

    public void writeBody(ByteBuf out) {
    }

    static DownloadCancel read(ByteBuf in) {
        return new DownloadCancel();
    }
}
