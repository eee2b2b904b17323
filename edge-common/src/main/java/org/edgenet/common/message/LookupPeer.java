package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** UVF asks where an active device listens for peers. Body: device string. */
public record LookupPeer(String device) implements Message {
    public MessageType type() {
        return MessageType.LOOKUP_PEER;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device);
    }

    static LookupPeer read(ByteBuf in) {
        return new LookupPeer(BodyFields.readString(in, "device"));
    }
}
