package org.edgenet.common.p2p;

/**
 * One UVF control datagram, its body opened and decoded. Every type shares the header of
 * {@link UvfFormat}; each record draws its body. DATA has no record: its body is file bytes, which
 * go straight from the datagram to their destination.
 */
public sealed interface UvfDatagram permits Offer, Accept, Ack, Fin, Done, Reject {
    DatagramType type();

    /** The presenter's random id for the transfer; with the presenter's address it names the transfer. */
    long transferId();
}
