package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * The device is still there: sent when it has written nothing for a while (it waits at its prompt),
 * so that the server's idle time-out cuts only devices that are gone. Empty body; no reply, so it
 * may go out while a request waits for its answer.
 */
public record KeepAlive() implements Message {
    public MessageType type() {
        return MessageType.KEEP_ALIVE;
    }

    public void writeBody(ByteBuf out) {
    }

    static KeepAlive read(ByteBuf in) {
        return new KeepAlive();
    }
}
