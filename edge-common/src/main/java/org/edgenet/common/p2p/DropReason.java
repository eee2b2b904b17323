package org.edgenet.common.p2p;

/** Why a datagram was dropped rather than acted on. */
public enum DropReason {
    TRUNCATED("truncated"),
    OVERSIZE("oversize"),
    BAD_MAGIC("wrong magic"),
    BAD_VERSION("unsupported version"),
    UNKNOWN_TYPE("unknown type"),
    MALFORMED("malformed body"),
    UNKNOWN_TRANSFER("unknown transfer id"),
    UNKNOWN_TICKET("offer without a valid ticket"),
    FORGED("failed authentication"),
    PAST_END("sequence number past the end"),
    BAD_LENGTH("payload length does not fit its sequence number"),
    OUT_OF_WINDOW("sequence number beyond the receive window"),
    WRONG_DIRECTION("type not expected on this port");

    private final String text;

    DropReason(String text) {
        this.text = text;
    }

    /** A few words for a log line. */
    public String text() {
        return text;
    }
}
