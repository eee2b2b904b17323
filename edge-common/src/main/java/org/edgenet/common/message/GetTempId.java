package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** TID: the device's current TempID, a new one when it has none valid. Empty body. */
public record GetTempId() implements Message {
    public MessageType type() {
        return MessageType.GET_TEMP_ID;
    }

    public void writeBody(ByteBuf out) {
    }

    static GetTempId read(ByteBuf in) {
        return new GetTempId();
    }
}
