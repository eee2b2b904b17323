package org.edgenet.common.trace;

/** A datagram that is not a valid beacon; the receiver counts it and keeps nothing. */
public final class MalformedBeaconException extends RuntimeException {
    private final BeaconFault fault;

    public MalformedBeaconException(BeaconFault fault, String detail) {
        super(detail, null, false, false);
        this.fault = fault;
    }

    public BeaconFault fault() {
        return fault;
    }
}
