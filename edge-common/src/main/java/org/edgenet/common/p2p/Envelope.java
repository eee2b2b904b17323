package org.edgenet.common.p2p;

import io.netty.buffer.ByteBuf;

/**
 * A datagram whose clear header is valid, its body still sealed: what a receiver needs to find the
 * transfer, and so the key, that can open it. The two buffers are slices of the received datagram,
 * valid only while it is.
 *
 * @param packetNumber the sequence number of DATA; the sender's count of control datagrams otherwise
 * @param ticketId     the ticket an OFFER proves; 0 for every other type
 * @param header       the clear header, authenticated along with the body
 * @param sealed       the encrypted body followed by the 16-byte tag
 */
public record Envelope(DatagramType type, long transferId, int packetNumber, long ticketId, ByteBuf header,
                       ByteBuf sealed) {
    /** Length of the body once opened. */
    public int bodyLength() {
        return sealed.readableBytes() - UvfFormat.TAG_LENGTH;
    }

    @Override
    public String toString() {
        return "Envelope[" + type + " " + Long.toHexString(transferId) + " #" + packetNumber + ", "
                + bodyLength() + " B]";
    }
}
