package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * The answer to {@link LookupPeer}: where the audience listens, and the presenter's copy of the
 * ticket the audience already holds. Body: device string, ip string, udpPort u16, then a
 * {@link Ticket} body.
 */
public record Peer(String device, String ip, int udpPort, Ticket ticket) implements Message {
    public MessageType type() {
        return MessageType.PEER;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device);
        BodyFields.writeString(out, ip);
        out.writeShort(udpPort);
        ticket.writeBody(out);
    }

    static Peer read(ByteBuf in) {
        return new Peer(BodyFields.readString(in, "device"), BodyFields.readString(in, "ip"),
                BodyFields.readPort(in, "udpPort"), Ticket.read(in));
    }
}
