package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;

/** A join for a device name that is already in the active set. */
public final class AlreadyJoinedException extends RuntimeException {
    public AlreadyJoinedException(DeviceName device) {
        super(device + " is already joined", null, false, false);
    }
}
