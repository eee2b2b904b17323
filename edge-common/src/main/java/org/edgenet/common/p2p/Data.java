package org.edgenet.common.p2p;

import io.netty.buffer.ByteBuf;

/**
 * Presenter to audience: bytes {@code seq * payloadSize} onwards of the file. Every datagram but
 * the last carries exactly the agreed payload size; the last carries the rest (an empty file has
 * no DATA at all).
 *
 * <pre>
 *  12              16
 *  +---------------+------------------------------------------+
 *  | sequence u32  | payload (to the end of the datagram)     |
 *  +---------------+------------------------------------------+
 * </pre>
 *
 * @param payload a slice of the received datagram: valid only while the datagram is, never released
 *                by whoever holds this record
 */
public record Data(long transferId, int seq, ByteBuf payload) implements UvfDatagram {
    @Override
    public DatagramType type() {
        return DatagramType.DATA;
    }

    @Override
    public String toString() {
        return "Data[" + Long.toHexString(transferId) + " #" + seq + ", " + payload.readableBytes() + " B]";
    }
}
