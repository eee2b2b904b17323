package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** UVF asks where an active device listens for peers. Body: device string. */
public record LookupPeer(DeviceName device) implements Message {
    public MessageType type() {
        return MessageType.LOOKUP_PEER;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device.value());
    }

    static LookupPeer read(ByteBuf in) {
        return new LookupPeer(DeviceName.of(BodyFields.readString(in, "device")));
    }
}
