package org.edgenet.common.p2p;

/**
 * One UVF datagram, decoded. Every type shares the 12-byte header of {@link UvfFormat}; each
 * record draws its body.
 */
public sealed interface UvfDatagram permits Offer, Accept, Data, Ack, Fin, Done, Reject {
    DatagramType type();

    /** The presenter's random id for the transfer; with the presenter's address it names the transfer. */
    long transferId();
}
