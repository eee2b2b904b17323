package org.edgenet.common.p2p;

/**
 * Audience to presenter: every datagram before {@code cumulative} arrived, and the bitmap says
 * which ones after it did too, so that the presenter resends only what is missing.
 *
 * <pre>
 *  12                16               20          22
 *  +-----------------+----------------+-----------+------------------------------------+
 *  | cumulative u32  | window (u32)   | bits (u16)| SACK bitmap, ceil(bits / 8) bytes  |
 *  | first missing   | datagrams from |  &lt;= 8192 | bit i (MSB first) set: datagram    |
 *  | sequence number | cumulative on  |           | cumulative + 1 + i arrived         |
 *  +-----------------+----------------+-----------+------------------------------------+
 * </pre>
 *
 * @param sack {@code sackBits} bits, packed 64 to a long, bit i of the bitmap at
 *             {@code sack[i / 64] >>> (i % 64) & 1}
 */
public record Ack(long transferId, int cumulative, int window, int sackBits, long[] sack) implements UvfDatagram {
    private static final long[] NONE = new long[0];

    /** An ACK with an empty SACK bitmap. */
    public static Ack cumulative(long transferId, int cumulative, int window) {
        return new Ack(transferId, cumulative, window, 0, NONE);
    }

    @Override
    public DatagramType type() {
        return DatagramType.ACK;
    }

    /** Whether datagram {@code cumulative + 1 + i} arrived. */
    public boolean sacked(int i) {
        return i < sackBits && (sack[i >>> 6] >>> (i & 63) & 1) != 0;
    }

    @Override
    public String toString() {
        return "Ack[" + Long.toHexString(transferId) + " cum " + cumulative + ", window " + window
                + ", " + sackBits + " sack bits]";
    }
}
