package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The device is in the active list. Body: device string, activeSince string (log timestamp form). */
public record Joined(String device, String activeSince) implements Message {
    public MessageType type() {
        return MessageType.JOINED;
    }

    public void writeBody(ByteBuf out) {
        Bodies.writeString(out, device);
        Bodies.writeString(out, activeSince);
    }

    static Joined read(ByteBuf in) {
        return new Joined(Bodies.readString(in, "device"), Bodies.readString(in, "activeSince"));
    }
}
