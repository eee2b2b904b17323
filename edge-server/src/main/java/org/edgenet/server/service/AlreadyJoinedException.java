package org.edgenet.server.service;

/** A join for a device name that is already in the active set. */
public final class AlreadyJoinedException extends RuntimeException {
    public AlreadyJoinedException(String device) {
        super(device + " is already joined", null, false, false);
    }
}
