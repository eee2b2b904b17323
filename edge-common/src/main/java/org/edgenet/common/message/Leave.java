package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** OUT: the device leaves the network. Empty body. */
public record Leave() implements Message {
    public MessageType type() {
        return MessageType.LEAVE;
    }

    public void writeBody(ByteBuf out) {
    }

    static Leave read(ByteBuf in) {
        return new Leave();
    }
}
