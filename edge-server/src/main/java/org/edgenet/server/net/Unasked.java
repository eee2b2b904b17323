package org.edgenet.server.net;

import io.netty.channel.Channel;
import org.edgenet.common.message.Message;

import java.util.concurrent.CompletableFuture;

/** Messages the server writes to a device unasked, such as tickets and exposure notices. */
final class Unasked {
    private Unasked() {
    }

    /**
     * Writes {@code message} to {@code ch}; refused when the device is not reading what it is sent,
     * so that the caller keeps the message for later.
     */
    static CompletableFuture<Void> deliver(Channel ch, Message message) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        if (!ch.isActive() || !ch.isWritable()) {
            written.completeExceptionally(new IllegalStateException("the connection is not taking messages"));
            return written;
        }
        ch.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(f.cause());
            }
        });
        return written;
    }
}
