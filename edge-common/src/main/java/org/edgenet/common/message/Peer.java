package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/**
 * The answer to {@link LookupPeer}: where the audience listens, and the presenter's copy of the
 * ticket the audience already holds. Body: device string, ip string, udpPort u16, then a
 * {@link Ticket} body.
 */
public record Peer(DeviceName device, String ip, int udpPort, Ticket ticket) implements Message {
    public MessageType type() {
        return MessageType.PEER;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device.value());
        BodyFields.writeString(out, ip);
        out.writeShort(udpPort);
        ticket.writeBody(out);
    }

    static Peer read(ByteBuf in) {
        String device = BodyFields.readString(in, "device");
        String ip = BodyFields.readString(in, "ip");
        int udpPort = BodyFields.readPort(in, "udpPort");
        Ticket ticket = Ticket.read(in);
        return new Peer(DeviceName.of(device), ip, udpPort, ticket);
    }
}
