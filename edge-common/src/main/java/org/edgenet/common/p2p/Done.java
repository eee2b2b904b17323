package org.edgenet.common.p2p;

/**
 * Audience to presenter: the file passed its SHA-256 check and has its final name. Has no body;
 * repeated for every repeated FIN while the audience remembers the transfer.
 */
public record Done(long transferId) implements UvfDatagram {
    @Override
    public DatagramType type() {
        return DatagramType.DONE;
    }
}
