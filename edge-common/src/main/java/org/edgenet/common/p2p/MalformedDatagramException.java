package org.edgenet.common.p2p;

/** A datagram that is not valid UVF; the receiver drops it and counts the reason. */
public final class MalformedDatagramException extends RuntimeException {
    private final DropReason reason;

    public MalformedDatagramException(DropReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DropReason reason() {
        return reason;
    }
}
