package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** Where an active device listens. Body: device string, ip string, udpPort u16. */
public record Peer(String device, String ip, int udpPort) implements Message {
    public MessageType type() {
        return MessageType.PEER;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device);
        BodyFields.writeString(out, ip);
        out.writeShort(udpPort);
    }

    static Peer read(ByteBuf in) {
        return new Peer(BodyFields.readString(in, "device"), BodyFields.readString(in, "ip"),
                BodyFields.readPort(in, "udpPort"));
    }
}
