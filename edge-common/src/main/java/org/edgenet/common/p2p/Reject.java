package org.edgenet.common.p2p;

/**
 * Ends a transfer from either side: a refused offer, a failed check, an unknown transfer id, or an
 * end that gave up.
 *
 * <pre>
 *  12          13        14
 *  +-----------+---------+---------------------------+
 *  | code (u8) | n (u8)  | reason (n bytes of UTF-8) |
 *  +-----------+---------+---------------------------+
 * </pre>
 */
public record Reject(long transferId, RejectCode code, String reason) implements UvfDatagram {
    @Override
    public DatagramType type() {
        return DatagramType.REJECT;
    }
}
