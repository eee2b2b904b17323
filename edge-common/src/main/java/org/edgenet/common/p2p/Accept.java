package org.edgenet.common.p2p;

/**
 * Audience to presenter: the offer is taken. Repeated for every repeated OFFER.
 *
 * <pre>
 *  12                 14                18
 *  +------------------+-----------------+
 *  | payload size u16 | window (u32)    |
 *  +------------------+-----------------+
 * </pre>
 *
 * @param payloadSize the DATA payload to use: the offer's or smaller
 * @param window      how many datagrams past the first missing one the presenter may send
 */
public record Accept(long transferId, int payloadSize, int window) implements UvfDatagram {
    @Override
    public DatagramType type() {
        return DatagramType.ACCEPT;
    }
}
