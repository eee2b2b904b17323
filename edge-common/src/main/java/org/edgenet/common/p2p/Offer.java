package org.edgenet.common.p2p;

/**
 * Presenter to audience: the file that is coming. Sent until ACCEPT or REJECT answers it.
 *
 * <pre>
 *  12                20          22     23            23+p   24+p
 *  +-----------------+-----------+------+-------------+------+----------------+
 *  | file size (u64) | payload   | p    | presenter   | n    | file name      |
 *  |                 | size (u16)| (u8) | (p B UTF-8) | (u8) | (n B UTF-8)    |
 *  +-----------------+-----------+------+-------------+------+----------------+
 * </pre>
 *
 * @param payloadSize the DATA payload the presenter proposes; the audience may lower it in ACCEPT
 */
public record Offer(long transferId, long fileSize, int payloadSize, String presenter, String fileName)
        implements UvfDatagram {
    @Override
    public DatagramType type() {
        return DatagramType.OFFER;
    }
}
