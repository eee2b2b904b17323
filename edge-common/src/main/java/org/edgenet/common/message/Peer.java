package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** Where an active device listens. Body: device string, ip string, udpPort u16. */
public record Peer(String device, String ip, int udpPort) implements Message {
    public MessageType type() {
        return MessageType.PEER;
    }

    public void writeBody(ByteBuf out) {
        Bodies.writeString(out, device);
        Bodies.writeString(out, ip);
        out.writeShort(udpPort);
    }

    static Peer read(ByteBuf in) {
        return new Peer(Bodies.readString(in, "device"), Bodies.readString(in, "ip"), Bodies.readPort(in, "udpPort"));
    }
}
