package org.edgenet.common.p2p;

/**
 * Presenter to audience: the file that is coming. Sent until ACCEPT or REJECT answers it. Its clear
 * header names the ticket whose key seals it (see {@link UvfFormat}); the presenter is the one the
 * ticket names, so the body does not say.
 *
 * <pre>
 *  body: 0                 8           10     11
 *  +-----------------+-----------+------+----------------+
 *  | file size (u64) | payload   | n    | file name      |
 *  | &lt; 2^63          | size (u16)| (u8) | (n B UTF-8)    |
 *  +-----------------+-----------+------+----------------+
 * </pre>
 *
 * @param ticketId    the ticket the server issued for this transfer
 * @param payloadSize the DATA payload the presenter proposes; the audience may lower it in ACCEPT
 */
public record Offer(long transferId, long ticketId, long fileSize, int payloadSize, String fileName)
        implements UvfDatagram {
    @Override
    public DatagramType type() {
        return DatagramType.OFFER;
    }
}
