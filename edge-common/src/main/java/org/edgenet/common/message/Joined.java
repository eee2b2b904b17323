package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The device is in the active list. Body: device string, activeSince string (log timestamp form). */
public record Joined(String device, String activeSince) implements Message {
    public MessageType type() {
        return MessageType.JOINED;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device);
        BodyFields.writeString(out, activeSince);
    }

    static Joined read(ByteBuf in) {
        return new Joined(BodyFields.readString(in, "device"), BodyFields.readString(in, "activeSince"));
    }
}
