package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** AED: which other devices are active? Empty body. */
public record ListActive() implements Message {
    public MessageType type() {
        return MessageType.LIST_ACTIVE;
    }

    public void writeBody(ByteBuf out) {
    }

    static ListActive read(ByteBuf in) {
        return new ListActive();
    }
}
