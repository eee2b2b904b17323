package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** Where an active device listens. Body: device string, ip string, udpPort u16. */
public record Peer(DeviceName device, String ip, int udpPort) implements Message {
    public MessageType type() {
        return MessageType.PEER;
    }

    public void writeBody(ByteBuf out) {
        Bodies.writeString(out, device.value());
        Bodies.writeString(out, ip);
        out.writeShort(udpPort);
    }

    static Peer read(ByteBuf in) {
        String device = Bodies.readString(in, "device");
        String ip = Bodies.readString(in, "ip");
        int udpPort = Bodies.readPort(in, "udpPort");
        return new Peer(DeviceName.of(device), ip, udpPort);
    }
}
